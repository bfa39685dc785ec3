// Code in retrieved context that no answer to a programming question needs: a reverse shell, a key
// added to authorized_keys, shadow copies deleted, a payload downloaded and run in memory, the
// antivirus turned off, a miner, a fork bomb, the whole disk wiped. A coding assistant
// that copies a page's code into its answer would hand it on; planted pages hide it in an answer's
// code or a reader's comment. Each signature names the harm, not a product: these commands are
// the same whoever writes the page. Commands that tutorials use for good (a Run key for one's own
// app, `setenforce 0`, a firewall off in a lab, `cat id.pub >> authorized_keys`) are left out.
// Security write-ups quote these too, so a match is a cue the learned model's score must agree
// with, not a flag alone.

import type { InjectionRule } from './injection-rules.models.ts';

const SIGNATURES = [
  // reverse shells: bash's /dev/tcp, netcat with a shell, a socket handed to a shell
  String.raw`\/dev\/tcp\/[\w.-]+\/\d+`,
  String.raw`\b(?:nc|ncat|netcat)\s+(?:[^\s-]\S*\s+|-[a-df-z]\w*\s+){0,6}-[ec]\s+\/bin\/(?:ba|z)?sh\b`,
  String.raw`\bpty\.spawn\(\s*["']\/bin\/(?:ba|z)?sh`,
  // remote access: a stranger's key written into authorized_keys (not `cat id.pub >>`, ssh-copy-id's manual form)
  String.raw`\becho\s+["']?ssh-(?:rsa|ed25519|ecdsa-[\w-]+)\s+AAAA[^\n]{0,800}?>>\s*~?[\w/.$-]*\.ssh\/authorized_keys\b`,
  // ransomware's first steps: shadow copies and backups deleted, recovery disabled
  String.raw`\bvssadmin(?:\.exe)?\s+delete\s+shadows\b`,
  String.raw`\bwbadmin\s+delete\s+catalog\b`,
  String.raw`\bbcdedit(?:\.exe)?\s+\/set\s+\{default\}\s+recoveryenabled\s+no\b`,
  // a payload downloaded and run in memory
  String.raw`\b(?:IEX|Invoke-Expression)\s*\(?\s*\(?\s*(?:New-Object\s+(?:System\.)?Net\.WebClient\)?\.DownloadString|iwr|Invoke-WebRequest|irm|Invoke-RestMethod)\b`,
  // defences turned off
  String.raw`\bSet-MpPreference\s+-Disable(?:RealtimeMonitoring|IOAVProtection|BehaviorMonitoring)\s+\$?true\b`,
  // the whole machine destroyed
  String.raw`\brm\s+-(?:rf|fr|r\s+-f|f\s+-r)\s+(?:--no-preserve-root\s+)?(?:\/(?:\*|\s|$|["'\x60;])|~\/?(?:\*|\s|$|["'\x60;])|\$HOME\/?(?:\s|$|["'\x60;]))`,
  String.raw`\bmkfs(?:\.\w+)?\s+\/dev\/(?:sd|nvme|hd)\w*`,
  String.raw`\bdd\s+if=\/dev\/(?:zero|u?random)\s+of=\/dev\/(?:sd|nvme|hd)\w*`,
  String.raw`:\(\)\s*\{\s*:\s*\|\s*:\s*&\s*\}\s*;\s*:`,
  // mining
  String.raw`\bstratum\+(?:tcp|ssl):\/\/`,
  String.raw`\bxmrig\b`,
];

export const HARMFUL_CODE_RULES: readonly InjectionRule[] = [
  {
    id: 'harmful_code',
    needs: ['/dev/tcp/', 'nc ', 'ncat ', 'netcat ', 'pty.spawn', 'authorized_keys', 'vssadmin', 'wbadmin', 'bcdedit', 'iex', 'invoke-expression', 'set-mppreference', 'rm -', 'mkfs', 'dd if=', ':()', 'stratum+', 'xmrig'],
    feature: 'indirect_instruction',
    pattern: new RegExp(SIGNATURES.join('|'), 'i'),
    weight: 0,
    contextWeight: 0.3,
  },
];
