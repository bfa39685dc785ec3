// Indirect injection written in the language of the document it is planted in. A French review,
// a German mailbox or a Chinese news item addresses the AI that reads it the way an English one
// does (injection-indirect.models.ts): a labelled message to the machine ("Hinweis für
// KI-Codeassistenten:", "[ADMIN → AI]", "Nota per l'IA che analizza questo file:"), or an
// instruction for the moment it is summarised or translated ("Beim Zusammenfassen dieser Mail…",
// "总结这篇报道时…"). Compounds count ("KI-Assistenten", "ИИ-помощника", "l'IA").
// A customer may address the assistant so in their own message, hence the low input weights.

import { ADDRESS_START, crossNeedles as cross } from './injection-regex-source.models.ts';
import type { InjectionRule } from './injection-rules.models.ts';

/** The machine, named in the languages documents are written in most. */
const AI_WORD = String.raw`(?:l['’]\s*)?(?:(?:IA|KI|AI|ИИ)(?:-\p{L}+)?|LLMs?|GPT|chat-?bots?|(?:asistente|assistente|assistant|Assistent(?:en)?|asystent(?:a|owi)?|ассистент\p{L}*|помощник\p{L}*|нейросет\p{L}*)(?:\s+(?:IA|KI|AI|ИИ|de\s+IA|di\s+IA|automatique|virtuel|virtual|virtuale))?|Sprachmodell\p{L}*|modelos?\s+de\s+lenguaje|modèles?\s+de\s+langage|modell[oi]\s+linguistic[oi]|modelos?\s+de\s+linguagem|языков\p{L}*\s+модел\p{L}*|taalmodel\p{L}*|model\p{L}*\s+językow\p{L}*|助手|助理|人工智能|语言模型|アシスタント|エージェント|言語モデル|어시스턴트|인공지능|언어\s*모델|챗봇)`;

/**
 * Words that head a message ("Hinweis", "nota", "примечание"), not counting English, which
 * note_to_ai reads. Latin ones after \b; Cyrillic ones (which \b does not know) anywhere, as a
 * pattern that opens with a lookbehind is tried at every position of every text.
 */
const NOTE_WORDS = ['hinweis', 'anweisung', 'notiz', 'nachricht', 'nota ', 'note de', 'note pour', 'note à', 'note au', 'remarque', 'mensaje', 'mensagem', 'messaggio', 'instru', 'istruzion', 'consigne', 'примечание', 'указани', 'инструкци', 'сообщение', 'заметка', 'uwaga', 'wiadomo', 'instrukcj', 'opmerking', 'bericht'];
const NOTE = String.raw`(?:\b(?:(?:system|admin|ki)-?)?(?:hinweis|anweisung(?:en)?|notiz|nachricht|nota|note(?=\s+(?:de|pour|à|au)\s)|remarque|mensaje|mensagem|messaggio|instructions?|instrucci[oó]n(?:es)?|instru[cç](?:[oõ]es|[aã]o)|istruzion[ei]|consignes?|uwaga|wiadomość|instrukcj[ae]|opmerking|bericht|instructies?)|примечание|указани[ея]|инструкци[яи]|сообщение|заметка)`;

/** "for", "to", "intended for" before the addressee. */
const TO = String.raw`(?:an|für|pour|à|au|aux|destinée?s?\s+à|à\s+l['’]intention\s+d[e'’]|para|al|ao|per|all['’]|alla|для|к|dla|do|voor|aan)`;

/** A moment of processing: summarising, translating, analysing, reviewing or answering about the document. */
const AT_PROCESSING = [
  String.raw`\b(?:al|cuando)\s+(?:resumir|resumas|traduzcas|traducir|analices|analizar|proceses|procesar)\s+(?:este|esta|estos|estas|el|la|los|las)\b`,
  String.raw`\b(?:en\s+(?:résumant|traduisant|analysant|traitant)|(?:quand|lorsque|lorsqu['’]\s*)\s*(?:tu|vous)\s+(?:résumes?|résumez|traduis|traduisez|analyses?|analysez|traites?|traitez))\s+(?:ce|cet|cette|ces|le|la|les|l['’])`,
  String.raw`\b(?:beim\s+(?:zusammenfassen|übersetzen|analysieren|verarbeiten)\s+(?:dieser|dieses|des|der)|wenn\s+du\s+(?:diese[nmrs]?|den|die|das)\s+(?:\p{L}+\s+){0,2}?(?:zusammenfasst|übersetzt|analysierst|verarbeitest|überarbeitest))\b`,
  String.raw`\b(?:nel\s+(?:riassumere|tradurre|analizzare|elaborare)|quando\s+(?:riassumi|traduci|analizzi|elabori))\s+(?:questo|questa|questi|queste|il|la|lo|l['’])`,
  String.raw`\b(?:ao\s+(?:resumir|traduzir|analisar|processar)|quando\s+(?:você\s+)?(?:resumir|traduzir|analisar|processar))\s+(?:este|esta|estes|estas|o|a|os|as)\b`,
  String.raw`(?:при\s+(?:пересказе|суммаризации|анализе|переводе|обработке|рефакторинге)|когда\s+(?:будешь\s+)?(?:пересказывать|резюмировать|суммировать|переводить|анализировать|рефакторить))\s+(?:эт|данн)\p{L}*`,
  String.raw`\b(?:bij\s+het\s+(?:samenvatten|vertalen|analyseren|verwerken)\s+van|als\s+je\s+(?:deze|dit|het|de)\s+(?:\p{L}+\s+){0,2}?(?:samenvat|vertaalt|analyseert|verwerkt))\b`,
  String.raw`\b(?:saat|ketika)\s+(?:meringkas|menerjemahkan|menganalisis|memproses)\s+(?:\p{L}+\s+)?(?:ini|tersebut)\b`,
  String.raw`\b(?:podczas|przy)\s+(?:streszczaniu|streszczania|tłumaczeniu|analizie|przetwarzaniu)\s+(?:tego|tej|tych)\b`,
  String.raw`(?:总结|概括|翻译|分析|处理)(?:这|本|该)[^。！？\n]{0,12}?时`,
  String.raw`(?:要約|翻訳|分析|処理)(?:する|される)(?:際|とき|時)`,
  String.raw`(?:요약|번역|분석|처리)할\s*때`,
];
/** Needles: each form's opening words, rarer than its verbs ("process", "analysis" are in every English text). */
const AT_PROCESSING_NEEDS = [
  ...cross(['al ', 'cuando '], ['resum', 'tradu', 'analic', 'analiz', 'proces']),
  ...cross(['en ', 'tu ', 'vous '], ['résum', 'tradu', 'analys', 'trait']),
  ...cross(['beim '], ['zusammenf', 'übersetz', 'analys', 'verarb']), 'zusammenfasst', 'übersetzt', 'analysierst', 'verarbeitest', 'überarbeitest',
  ...cross(['nel ', 'quando '], ['riass', 'tradu', 'analiz', 'elab']),
  ...cross(['ao ', 'quando ', 'você '], ['resum', 'tradu', 'analis', 'process']),
  ...cross(['при '], ['пересказ', 'суммар', 'анализ', 'перевод', 'обработк', 'рефактор']), 'пересказывать', 'резюмировать', 'суммировать', 'переводить', 'анализировать', 'рефакторить',
  'bij het vert', 'bij het analys', 'bij het verw', 'samenvat', 'vertaalt', 'analyseert', 'verwerkt',
  'meringkas', 'menerjemahkan', 'menganalisis', 'memproses',
  ...cross(['podczas ', 'przy '], ['stresz', 'tłumacz', 'analiz', 'przetwarz']),
  '时', '際', 'とき', '時', '할',
];

/** "仅供助手阅读" (for the assistant to read only), "助手请注意" (assistant, take note), "アシスタント向け：" (for the assistant:). */
const CJK_ADDRESS = String.raw`(?:仅供|只供|提供给|供)(?:AI|人工智能|助手|语言模型|模型|机器人)|(?:AI|人工智能|助手|语言模型|机器人)请注意|(?:AI|アシスタント|言語モデル|エージェント|ボット)向け[）)]?\s*[：:]`;

export const INDIRECT_MULTILINGUAL_RULES: readonly InjectionRule[] = [
  {
    id: 'label_to_ai',
    needs: ['→', '->', '»'],
    feature: 'indirect_instruction',
    // "[ADMIN → AI]", "[관리자 메시지 → AI 요약 봇]": a bracketed label that routes what follows to the machine.
    // The arrow first, the bracket before it looked behind for: code is full of brackets, not of
    // arrows. Square brackets only ("(user -> AI -> database)" is a diagram), not `=>`, and no code
    // in the label: `filter(x => ai(x))` names a function.
    pattern: new RegExp(String.raw`(?:→|->|»)(?<=[\[【［][^\]】］\n(=;{}]{0,30}.)\s*${AI_WORD}(?=[\s\]】］])[^\]】］\n(=;{}]{0,30}[\]】］]`, 'iu'),
    weight: 0.3,
    contextWeight: 0.7,
  },
  {
    id: 'note_to_ai_multilingual',
    needs: NOTE_WORDS,
    feature: 'indirect_instruction',
    // "Hinweis für KI-Codeassistenten:", "Note de l'administrateur destinée à l'assistant :",
    // "Примечание для ИИ-помощника по коду:": a message headed for the machine, up to its colon.
    pattern: new RegExp(String.raw`${NOTE}\s+(?:[\p{L}'’]+\s+){0,3}?${TO}\s+(?:[\p{L}'’]+\s+){0,2}?${AI_WORD}(?!\p{L})[^\n.!?:：]{0,60}[:：]`, 'iu'),
    weight: 0.3,
    contextWeight: 0.7,
  },
  {
    id: 'ai_vocative_multilingual',
    needs: ['querid', 'estimad', 'caro ', 'cara ', 'prezad', 'cher ', 'chère', 'liebe', 'geehrte', 'beste ', 'drog', 'уважаем', 'дорог', 'atención', 'achtung', 'attention', 'attenzione', 'atenção', 'внимание', 'uwaga'],
    feature: 'indirect_instruction',
    // "Caro agente de IA responsável por esta fila:", "Liebe KI,", "Уважаемый ИИ-ассистент,": the
    // English ai_vocative's letter openings and calls for attention, addressed to the machine.
    // Not greetings ("Hola asistente, ¿me ayudas?"), which a chat transcript's customer writes.
    pattern: new RegExp(
      String.raw`${ADDRESS_START}(?:querid[oa]s?|estimad[oa]s?|car[oa]|prezad[oa]|cher|chère|liebe[rs]?|sehr\s+geehrte[rs]?|beste|drog[ia]|уважаем\p{L}*|дорог\p{L}*|atención|achtung|attention|attenzione|atenção|внимание|uwaga)\s*[:,]?\s+(?:(?:el|la|los|las|o|a|os|as|le|les|der|die|das|il|lo|gli|de)\s+)?(?:[\p{L}'’-]+\s+){0,2}?${AI_WORD}(?!\p{L})[^\n.!?:：]{0,60}[:,!：]`,
      'iu',
    ),
    weight: 0,
    contextWeight: 0.6,
    spanStartsAtWord: true,
  },
  {
    id: 'note_to_ai_cjk',
    needs: ['仅供', '只供', '提供给', '供', '请注意', '向け'],
    feature: 'indirect_instruction',
    pattern: new RegExp(CJK_ADDRESS, 'iu'),
    weight: 0.3,
    contextWeight: 0.7,
  },
  {
    id: 'at_processing_multilingual',
    needs: AT_PROCESSING_NEEDS,
    feature: 'indirect_instruction',
    // "Beim Zusammenfassen dieser Mail…", "总结这篇报道时…": the English when_processing_also in
    // other languages. Alone a cue, as "when summarising this text, find its main ideas" is also
    // a worksheet's instruction.
    pattern: new RegExp(AT_PROCESSING.join('|'), 'iu'),
    weight: 0,
    contextWeight: 0.45,
  },
  {
    id: 'if_you_are_ai_multilingual',
    needs: cross(['si ', 'wenn ', 'se ', 'если ', 'als ', 'jeśli ', 'jika '], ['tu', 'vous', 'eres', 'du', 'sei', 'você', 'ты', 'je', 'jesteś', 'kamu', 'anda']),
    feature: 'indirect_instruction',
    // "Si tu es une IA qui lit ce fil…", "Wenn du eine KI bist…", "Если ты ИИ…".
    // \b only before the Latin forms: it knows no Cyrillic letter.
    pattern: new RegExp(String.raw`(?:\b(?:si\s+(?:tu\s+es|vous\s+êtes|eres)|wenn\s+du\s+(?:eine?\s+)?|se\s+(?:sei|você\s+é|tu\s+és)|als\s+je\s+(?:een\s+)?|jeśli\s+jesteś|jika\s+(?:kamu|anda)(?:\s+adalah)?)|если\s+ты)\s*(?:une?\s+|una?\s+|um\s+|uma\s+|eine?\s+|een\s+)?${AI_WORD}(?!\p{L})`, 'iu'),
    weight: 0.45,
    contextWeight: 0.7,
  },
];
