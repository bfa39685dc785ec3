import { describe, expect, it } from 'vitest';
import {
  chiSquareSf,
  greatestCommonDivisor,
  logGamma,
  normalCdf,
  regularizedGammaQ,
  roundHalfEven,
  sumCompensated,
} from './drift-special.models.ts';

describe('logGamma', () => {
  it('matches closed forms and Python math.lgamma', () => {
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14); // Γ(1/2) = √π
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 13); // Γ(10) = 9!
    // Python 3.11 math.lgamma(1000) = 5905.220423209181, math.lgamma(500001) = 6061189.168822553
    expect(logGamma(1000)).toBeCloseTo(5905.220423209181, 10);
    expect(logGamma(500001) / 6061189.168822553).toBeCloseTo(1, 15);
  });

  it('rejects non-positive arguments', () => {
    expect(() => logGamma(0)).toThrow(RangeError);
  });
});

describe('normalCdf and chiSquareSf', () => {
  it('give the textbook critical values', () => {
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14); // z_{0.975}
    expect(normalCdf(-1.2)).toBeCloseTo(0.11506967022170822, 14); // scipy 1.17.1 norm.cdf(-1.2)
    expect(normalCdf(0)).toBe(0.5);
    expect(chiSquareSf(3.841458820694124, 1)).toBeCloseTo(0.05, 14); // chi2.ppf(0.95, 1)
    expect(chiSquareSf(7.814727903251178, 3)).toBeCloseTo(0.05, 14); // chi2.ppf(0.95, 3)
  });

  it('follow scipy in the far tail', () => {
    // scipy 1.17.1: chi2.sf(100, 50) = 3.454931382984871e-05, chi2.sf(2000, 1500) = 5.809910989761926e-17
    expect(chiSquareSf(100, 50) / 3.454931382984871e-5).toBeCloseTo(1, 12);
    expect(chiSquareSf(2000, 1500) / 5.809910989761926e-17).toBeCloseTo(1, 10);
    expect(chiSquareSf(Infinity, 2)).toBe(0);
    expect(regularizedGammaQ(2, 0)).toBe(1);
  });
});

describe('numeric helpers', () => {
  it('round halves to even like numpy', () => {
    expect([0.5, 1.5, 2.5, 5000.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 5000, 2, 3]);
  });

  it('compute gcds and compensated sums', () => {
    expect(greatestCommonDivisor(10000, 9998)).toBe(2);
    expect(sumCompensated([1e16, 1, -1e16, 1])).toBe(2);
  });
});
