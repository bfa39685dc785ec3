// Override and extraction phrasing in the languages users write in most, so that "ignore all
// previous instructions" weighs the same in French, Chinese or Arabic as in English. Each
// language lists its words for the three parts of an override — a verb (ignore, forget), a
// qualifier that makes the instructions the model's own (previous, all, your, system) and a
// noun (instructions, rules, prompt) — and a rule is built per word order: verb first (most
// languages) or verb last (Japanese, Korean, Turkish, Hindi, German infinitives). A verb with
// a negation ("n'oubliez pas", "不要忘记", "не забудь") is advice to keep the rules, not an attack.

import { CLAUSE_GAP as GAP, LETTER, splitAlternatives, unlessNegated, verbPhrase } from './injection-regex-source.models.ts';
import type { InjectionRule } from './injection-rules.models.ts';

interface Language {
  code: string;
  /**
   * Lower-case substrings one of which every override phrase contains (see InjectionRule.needs):
   * its verbs where they are few (Latin scripts), else its nouns. Few and short: the prefilter
   * tries every needle at every position of every text.
   */
  needs: readonly string[];
  /** The same for the system-prompt request: the words for prompt, message, instructions. */
  revealNeeds?: readonly string[];
  /** How words are delimited: by spaces (`words`), by spaces before and suffixes after (`prefix`: Korean, Turkish), or not at all (Chinese, Japanese). */
  bounds: 'words' | 'prefix' | 'none';
  /** The verb may come last ("以前の指示を無視して", "पिछले निर्देशों को अनदेखा करें"). */
  verbLast?: boolean;
  verbs: string;
  qualifiers: string;
  nouns: string;
  /** Words that show the model's own prompt: "system prompt", "initial instructions". */
  reveal?: { verbs: string; objects: string };
  /** Forms written before the verb that negate it or make it a statement ("我忘记" = I forgot). */
  negation?: string;
  /** Forms written after the verb that negate it ("vergiss nicht"). */
  negationAfter?: string;
}

const LANGUAGES: readonly Language[] = [
  {
    code: 'fr',
    needs: ['ignor', 'oubli', 'compte', 'abstraction'],
    revealNeeds: ['prompt syst', 'prompt initial', 'message syst', 'message initial', 'instructions syst', 'instructions init', 'instructions cach', 'instructions secr'],
    bounds: 'words',
    verbs: String.raw`ignor(?:e[rsz]?|ons)|oubli(?:e[rsz]?|ons)|ne\s+(?:tiens|tenez)\s+(?:pas|plus)\s+compte\s+d|fais\s+abstraction\s+d|faites\s+abstraction\s+d`,
    qualifiers: String.raw`pr[ée]c[ée]dent(?:e|es|s)?|ant[ée]rieur(?:e|es|s)?|ci-dessus|toutes|tous|tes|vos|votre|ton|initial(?:e|es)?|syst[èe]me|re[çc]ues|donn[ée]es`,
    nouns: String.raw`instructions?|consignes?|directives?|r[èe]gles|ordres|indications|prompts?|restrictions`,
    reveal: { verbs: String.raw`r[ée]v[èe]le[rsz]?|montre[rsz]?|affiche[rsz]?|donne[rsz]?|r[ée]p[èe]te[rsz]?|[ée]cri[st]|[ée]crivez|imprime[rsz]?`, objects: String.raw`(?:ton|votre|le)\s+(?:prompt|message)\s+(?:syst[èe]me|initial)|(?:tes|vos|les)\s+instructions\s+(?:syst[èe]me|initiales|cach[ée]es|secr[èe]tes)` },
    negation: String.raw`n['’]\s*|pas\s+|jamais\s+`,
    negationAfter: String.raw`pas|jamais`,
  },
  {
    code: 'es',
    needs: ['ignor', 'olvid', 'omit', 'descart', 'omiso', 'no sig', 'no obedezcas', 'no hag'],
    revealNeeds: ['prompt', 'mensaje', 'instrucciones'],
    bounds: 'words',
    verbs: String.raw`ignor(?:a|e|en|ad|ar)|olvid(?:a|e|en|ad|ar)|omit(?:e|a|an|ir)|descart(?:a|e|en)|haz\s+caso\s+omiso\s+(?:a|de)|no\s+(?:sigas|obedezcas|hagas\s+caso\s+(?:a|de))`,
    qualifiers: String.raw`anteriores|previas|previos|todas|todos|tus|sus|del\s+sistema|de\s+arriba|iniciales|originales|recibidas`,
    nouns: String.raw`instrucci(?:ones|[óo]n)|indicaciones|reglas|directrices|[óo]rdenes|normas|prompts?|restricciones`,
    reveal: { verbs: String.raw`revela|muestra|mu[ée]strame|dime|repite|imprime|escribe|comparte`, objects: String.raw`(?:tu|el)\s+(?:prompt|mensaje)\s+(?:del\s+sistema|de\s+sistema|inicial)|(?:tus|las)\s+instrucciones\s+(?:del\s+sistema|iniciales|ocultas|secretas)` },
    negation: String.raw`no\s+|nunca\s+`,
  },
  {
    code: 'pt',
    needs: ['ignor', 'esqueç', 'esquec', 'desconsider', 'descart'],
    revealNeeds: ['prompt', 'mensagem', 'instruç', 'instruc'],
    bounds: 'words',
    verbs: String.raw`ignor(?:e|a|em|ar)|esque[çc](?:a|am)|esquece(?:r)?|desconsider(?:e|a|ar)|descart(?:e|a)`,
    qualifiers: String.raw`anteriores|pr[ée]vias|todas|todos|suas|tuas|do\s+sistema|acima|iniciais|originais|recebidas`,
    nouns: String.raw`instru[çc](?:[õo]es|[ãa]o)|regras|diretrizes|ordens|orienta[çc][õo]es|prompts?|restri[çc][õo]es`,
    reveal: { verbs: String.raw`revele|mostre|me\s+mostre|diga|repita|imprima|escreva`, objects: String.raw`(?:seu|o)\s+(?:prompt|mensagem)\s+(?:do\s+sistema|de\s+sistema|inicial)|(?:suas|as)\s+instru[çc][õo]es\s+(?:do\s+sistema|iniciais|ocultas|secretas)` },
    negation: String.raw`n[ãa]o\s+|nunca\s+`,
  },
  {
    code: 'it',
    needs: ['ignor', 'dimentic', 'trascura', 'non seguire', 'non rispettare'],
    revealNeeds: ['prompt', 'messaggio', 'istruzioni'],
    bounds: 'words',
    verbs: String.raw`ignora(?:re)?|ignori|dimentica(?:re)?|dimentichi|trascura|non\s+(?:seguire|rispettare)`,
    qualifiers: String.raw`precedenti|tutte|tutti|tue|sue|del\s+sistema|(?:di\s+)?sopra|iniziali|originali|ricevute`,
    nouns: String.raw`istruzion[ei]|regole|direttive|indicazioni|ordini|prompts?|restrizioni`,
    reveal: { verbs: String.raw`rivela|mostra(?:mi)?|dimmi|ripeti|stampa|scrivi`, objects: String.raw`(?:il\s+tuo|il)\s+(?:prompt|messaggio)\s+(?:di\s+sistema|del\s+sistema|iniziale)|(?:le\s+tue|le)\s+istruzioni\s+(?:di\s+sistema|iniziali|nascoste|segrete)` },
    negation: String.raw`non\s+|mai\s+`,
  },
  {
    code: 'de',
    needs: ['ignorier', 'vergiss', 'vergesst', 'vergessen', 'missacht', 'befolge', 'übergeh'],
    revealNeeds: ['prompt', 'anweisungen'],
    bounds: 'words',
    verbs: String.raw`ignorier(?:e|en|t)?|vergiss|vergesst|vergessen(?:\s+sie)?|missachte(?:n)?|befolge\s+nicht|übergeh(?:e|en)`,
    qualifiers: String.raw`vorherige[nmrs]?|bisherige[nmrs]?|obige[nmrs]?|vorangegangene[nmrs]?|vorigen?|alle[nmrs]?|deine[nmrs]?|ihre[nmrs]?|ursprüngliche[nmrs]?|system|erhaltenen`,
    nouns: String.raw`anweisung(?:en)?|instruktion(?:en)?|regeln|richtlinien|befehle|vorgaben|anleitung(?:en)?|prompts?|einschränkungen`,
    reveal: { verbs: String.raw`zeig(?:e|en)?|verrat(?:e|en)?|gib|wiederhol(?:e|en)?|nenne|schreib(?:e)?`, objects: String.raw`(?:deinen|ihren|den)\s+(?:system-?prompt|systemprompt|anfangsprompt)|(?:deine|ihre|die)\s+(?:system-?anweisungen|systemanweisungen|ursprünglichen\s+anweisungen|geheimen\s+anweisungen)` },
    negation: String.raw`nicht\s+|nie\s+|niemals\s+`,
    negationAfter: String.raw`nicht|nie`,
  },
  {
    code: 'nl',
    needs: ['negeer', 'vergeet', 'negeren', 'vergeten'],
    revealNeeds: ['systeem', 'instructies', 'beginprompt'],
    bounds: 'words',
    verbs: String.raw`negeer|vergeet|negeren|vergeten`,
    qualifiers: String.raw`vorige|eerdere|voorgaande|alle|je|jouw|bovenstaande|systeem|oorspronkelijke`,
    nouns: String.raw`instructies|regels|richtlijnen|opdrachten|prompts?|beperkingen`,
    negation: String.raw`niet\s+|nooit\s+`,
    reveal: { verbs: String.raw`toon|laat\s+(?:me\s+)?zien|geef|herhaal|onthul|print|schrijf`, objects: String.raw`(?:je|jouw|de)\s+(?:systeem\s*prompt|systeembericht|beginprompt|systeeminstructies|oorspronkelijke\s+instructies|verborgen\s+instructies|geheime\s+instructies)` },
  },
  {
    code: 'ru',
    needs: ['инструкци', 'указани', 'правил', 'команд', 'директив', 'промпт', 'ограничени'],
    revealNeeds: ['промпт', 'подсказк', 'инструкци', 'сообщени'],
    bounds: 'words',
    verbs: String.raw`(?:про)?игнорируй(?:те)?|игнорировать|забудь(?:те)?|забыть|отбрось(?:те)?|не\s+(?:обращай(?:те)?\s+внимания\s+на|следуй(?:те)?|слушай(?:те)?)`,
    qualifiers: String.raw`предыдущ\p{L}*|прежн\p{L}*|вс[еёх]|все\p{L}*|сво\p{L}*|тво\p{L}*|ваш\p{L}*|системн\p{L}*|выше|изначальн\p{L}*|исходн\p{L}*|полученн\p{L}*`,
    nouns: String.raw`инструкци\p{L}*|указани\p{L}*|правил\p{L}*|команд\p{L}*|директив\p{L}*|промпт\p{L}*|ограничени\p{L}*`,
    reveal: { verbs: String.raw`покажи(?:те)?|раскрой(?:те)?|выведи(?:те)?|повтори(?:те)?|напиши(?:те)?|расскажи(?:те)?`, objects: String.raw`(?:сво\p{L}*|тво\p{L}*|ваш\p{L}*)?\s*(?:системн\p{L}*\s+(?:промпт|подсказк|инструкци|сообщени)\p{L}*|(?:исходн|изначальн|скрыт|секретн)\p{L}*\s+инструкци\p{L}*)` },
    negation: String.raw`не\s+|никогда\s+|нельзя\s+`,
  },
  {
    code: 'pl',
    needs: ['ignoruj', 'zapomnij'],
    revealNeeds: ['systemow', 'instrukcje'],
    bounds: 'words',
    verbs: String.raw`zignoruj(?:cie)?|ignoruj(?:cie)?|zapomnij(?:cie)?`,
    qualifiers: String.raw`poprzednie|wcześniejsze|wszystkie|swoje|twoje|systemowe|powyższe`,
    nouns: String.raw`instrukcje|polecenia|zasady|reguły|wytyczne|prompty?|ograniczenia`,
    negation: String.raw`nie\s+`,
    reveal: { verbs: String.raw`pokaż(?:cie)?|ujawnij|wypisz|powtórz|podaj|napisz|wyświetl`, objects: String.raw`(?:swój\s+|twój\s+)?(?:prompt\s+systemowy|systemowy\s+prompt|komunikat\s+systemowy)|(?:swoje\s+|twoje\s+)?(?:instrukcje\s+systemowe|systemowe\s+instrukcje|początkowe\s+instrukcje|ukryte\s+instrukcje|tajne\s+instrukcje)` },
  },
  {
    code: 'tr',
    needs: ['talimat', 'kural', 'yönerge', 'komut', 'istem'],
    revealNeeds: ['sistem', 'talimat', 'istem'],
    bounds: 'prefix',
    verbLast: true,
    verbs: String.raw`yok\s+say|görmezden\s+gel|unut|dikkate\s+alma`,
    qualifiers: String.raw`önceki|tüm|bütün|sistem|yukarıdaki|senin`,
    nouns: String.raw`talimat\p{L}*|kural\p{L}*|yönerge\p{L}*|komut\p{L}*|istem\p{L}*`,
    reveal: { verbs: String.raw`göster|yaz|tekrarla|açıkla|paylaş|söyle|ver`, objects: String.raw`sistem\s+(?:istem|komut|talimat|mesaj)\p{L}*|(?:ilk|gizli|orijinal|başlangıç)\s+(?:talimat|istem|komut)\p{L}*` },
  },
  {
    code: 'zh',
    needs: ['指令', '指示', '说明', '說明', '规则', '規則', '提示', '命令', '设定', '設定', '限制', '要求', '约束', '約束'],
    revealNeeds: ['提示', '指令', '消息', '訊息'],
    bounds: 'none',
    verbLast: true,
    verbs: String.raw`忽略|忽视|忽視|无视|無視|忘记|忘記|忘掉|不要理会|不要理會|别管|抛开|拋開|抛弃|拋棄|放弃|不再遵守|不用遵守|不要遵守|不要遵循|跳过|跳過`,
    qualifiers: String.raw`之前|以前|先前|此前|上面|上述|以上|所有|一切|全部|你的|系统|系統|原来|原來|原有|原始|初始`,
    nouns: String.raw`指令|指示|说明|說明|规则|規則|提示词|提示詞|提示|命令|设定|設定|限制|要求|约束|約束`,
    reveal: { verbs: String.raw`告诉我|告訴我|显示|顯示|输出|輸出|打印|重复|重複|透露|泄露|洩露|说出|說出|给我看|給我看`, objects: String.raw`(?:你的)?(?:系统|系統)(?:提示词|提示詞|提示|指令|消息|訊息)|(?:你的)?(?:初始|原始|隐藏|隱藏|秘密)(?:提示词|提示詞|提示|指令)` },
    negation: String.raw`不要|不能|别|別|不|勿|千万别|千萬別|我|我们|我們|他|她|他们|他們|已经|已經`,
  },
  {
    code: 'ja',
    needs: ['指示', '命令', 'ルール', '規則', 'プロンプト', '制限', '設定', '指令'],
    revealNeeds: ['プロンプト', '指示', 'メッセージ'],
    bounds: 'none',
    verbLast: true,
    verbs: String.raw`無視(?!しない|せず|しました|した|され)|忘れ(?!ない|ず|ました|た|られ)|従わないで|従うな`,
    qualifiers: String.raw`以前|前の|これまで|今まで|上記|上の|すべて|全て|全部|あなたの|システム|元の|最初の|与えられた`,
    nouns: String.raw`指示|命令|ルール|規則|プロンプト|制限|設定|指令`,
    reveal: { verbs: String.raw`教えて|表示して|見せて|出力して|繰り返して|書いて`, objects: String.raw`(?:あなたの)?(?:システムプロンプト|システム指示|システムメッセージ|最初の指示|初期プロンプト|隠された指示)` },
  },
  {
    code: 'ko',
    needs: ['지시', '지침', '규칙', '명령', '프롬프트', '제한', '설정'],
    revealNeeds: ['프롬프트', '메시지', '지시'],
    bounds: 'prefix',
    verbLast: true,
    verbs: String.raw`무시(?!하지|했|한|당)|잊어(?!버렸|버린|서)|잊으(?!셨|면)|잊고|따르지\s*마`,
    qualifiers: String.raw`이전|앞의|앞서|위의|위에|모든|전부|당신의|너의|시스템|기존|원래|처음`,
    nouns: String.raw`지시\p{L}*|지침\p{L}*|규칙\p{L}*|명령\p{L}*|프롬프트\p{L}*|제한\p{L}*|설정\p{L}*`,
    reveal: { verbs: String.raw`알려\s*줘|알려\s*주세요|보여\s*줘|보여\s*주세요|출력해|반복해|말해`, objects: String.raw`(?:당신의|너의|네)?\s*(?:시스템\s*프롬프트|시스템\s*메시지|시스템\s*지시|초기\s*지시|숨겨진\s*지시)\p{L}*` },
  },
  {
    code: 'ar',
    needs: ['تعليمات', 'أوامر', 'قواعد', 'إرشادات', 'توجيهات', 'قيود'],
    revealNeeds: ['موجه', 'تعليمات', 'رسالة'],
    bounds: 'words',
    verbs: String.raw`[وف]?تجاهل(?:ي|وا)?|انس(?:ى|ي|وا)?|إنس(?:ى|ي)?|تناس(?:ى|ي)?|لا\s+تلتزم|لا\s+تتبع|اترك`,
    qualifiers: String.raw`السابقة|جميع|كل|الخاصة\s+بك|النظام|أعلاه|الأصلية|الأولية`,
    nouns: String.raw`\p{L}{0,2}تعليمات\p{L}*|\p{L}{0,2}أوامر\p{L}*|\p{L}{0,2}قواعد\p{L}*|\p{L}{0,2}إرشادات\p{L}*|\p{L}{0,2}توجيهات\p{L}*|\p{L}{0,2}قيود\p{L}*`,
    reveal: { verbs: String.raw`[وف]?(?:اكشف|أظهر|اعرض|اطبع|كرر|أخبرني\s+ب)`, objects: String.raw`(?:موجه|تعليمات|رسالة)\s+النظام|التعليمات\s+(?:الأولية|السرية|المخفية)` },
    negation: String.raw`لا\s+`,
  },
  {
    code: 'hi',
    needs: ['निर्देश', 'नियम', 'आदेश', 'प्रॉम्प्ट'],
    revealNeeds: ['सिस्टम', 'निर्देश'],
    bounds: 'words',
    verbLast: true,
    verbs: String.raw`अनदेखा|नज़रअंदाज़|नजरअंदाज|भूल\s+जा[\p{L}\p{M}]*`,
    qualifiers: String.raw`पिछले|पिछली|सभी|सारे|सारी|पहले|अपने|सिस्टम`,
    nouns: String.raw`निर्देश[\p{L}\p{M}]*|नियम[\p{L}\p{M}]*|आदेश[\p{L}\p{M}]*|प्रॉम्प्ट`,
    reveal: { verbs: String.raw`दिखाओ|दिखाइए|दिखाएं|बताओ|बताइए|बताएं|लिखो|दोहराओ|प्रकट\s+करो`, objects: String.raw`सिस्टम\s+(?:प्रॉम्प्ट|संदेश|निर्देश)[\p{L}\p{M}]*|(?:मूल|छिपे|गुप्त|प्रारंभिक)\s+(?:हुए\s+)?निर्देश[\p{L}\p{M}]*` },
  },
  {
    code: 'sv',
    needs: ['ignorer', 'glöm', 'bortse', 'strunta'],
    revealNeeds: ['systemprompt', 'systemmeddel', 'instruktioner', 'ursprungliga prompt'],
    bounds: 'words',
    verbs: String.raw`ignorera|glöm|bortse\s+från|strunta\s+i`,
    qualifiers: String.raw`tidigare|föregående|alla|dina|era|ovanstående|ursprungliga|systemets|givna`,
    nouns: String.raw`instruktion(?:er|erna|en)?|regler(?:na)?|direktiv(?:en)?|anvisningar(?:na)?|riktlinjer(?:na)?|prompt(?:en)?|begränsningar(?:na)?`,
    negation: String.raw`inte\s+|aldrig\s+`,
    negationAfter: String.raw`inte|aldrig`,
    reveal: { verbs: String.raw`visa|avslöja|skriv\s+ut|upprepa|berätta|ge\s+mig`, objects: String.raw`(?:din|er|den)\s+(?:systemprompt(?:en)?|systemmeddelande(?:t)?|ursprungliga\s+prompt(?:en)?)|(?:dina|era|de)\s+(?:systeminstruktioner(?:na)?|ursprungliga\s+instruktioner(?:na)?|dolda\s+instruktioner(?:na)?|hemliga\s+instruktioner(?:na)?)` },
  },
  {
    code: 'cs',
    needs: ['ignoruj', 'zapomeň', 'zapomen', 'nedbej', 'přehlíž', 'nevšímej'],
    revealNeeds: ['systémov', 'instrukce', 'pokyny', 'počáteční prompt'],
    bounds: 'words',
    verbs: String.raw`ignoruj(?:te)?|zapome[ňn](?:te)?\s+na|zapome[ňn](?:te)?|nedbej(?:te)?|přehlížej(?:te)?|nevšímej(?:te)?\s+si`,
    qualifiers: String.raw`předchozí|dosavadní|všechny|všechna|veškeré|tvoje|tvé|své|svoje|vaše|výše\s+uvedené|původní|systémové`,
    nouns: String.raw`instrukc(?:e|í)|pokyn(?:y|ů)|pravidl(?:a|o)|příkaz(?:y|ů)|zadání|prompt|omezení`,
    negation: String.raw`ne\s+`,
    reveal: { verbs: String.raw`ukaž(?:te)?|prozraď(?:te)?|vypiš(?:te)?|zopakuj(?:te)?|napiš(?:te)?|sděl(?:te)?`, objects: String.raw`(?:svůj\s+|tvůj\s+|váš\s+)?(?:systémový\s+prompt|systémovou\s+zprávu|počáteční\s+prompt)|(?:své\s+|tvoje\s+|tvé\s+|vaše\s+)?(?:systémové|skryté|tajné|původní)\s+(?:instrukce|pokyny)` },
  },
  {
    code: 'uk',
    needs: ['ігнор', 'забудь', 'забудьте', 'зважай', 'знехту'],
    revealNeeds: ['системн', 'інструкці', 'промпт'],
    bounds: 'words',
    verbs: String.raw`(?:про)?ігноруй(?:те)?|забудь(?:те)?|не\s+зважай(?:те)?\s+на|знехтуй(?:те)?`,
    qualifiers: String.raw`попередн\p{L}*|ус\p{L}*|вс\p{L}*|сво\p{L}*|тво\p{L}*|ваш\p{L}*|системн\p{L}*|початков\p{L}*|вищезазначен\p{L}*|отриман\p{L}*`,
    nouns: String.raw`інструкці\p{L}*|вказів\p{L}*|правил\p{L}*|команд\p{L}*|настанов\p{L}*|директив\p{L}*|промпт\p{L}*|обмежен\p{L}*`,
    negation: String.raw`не\s+|ніколи\s+`,
    reveal: { verbs: String.raw`покажи(?:те)?|розкрий(?:те)?|виведи(?:ть)?|повтори(?:ть)?|напиши(?:ть)?|розкажи(?:ть)?`, objects: String.raw`(?:сво\p{L}*\s+|тво\p{L}*\s+|ваш\p{L}*\s+)?(?:системн\p{L}*\s+(?:промпт|підказк|інструкці|повідомлен)\p{L}*|(?:початков|прихован|секретн|вихідн)\p{L}*\s+інструкці\p{L}*)` },
  },
  {
    code: 'vi',
    needs: ['bỏ qua', 'phớt lờ', 'quên', 'lờ đi', 'không tuân', 'đừng tuân', 'đừng làm theo', 'không làm theo'],
    revealNeeds: ['hệ thống', 'ban đầu', 'bí mật', ' ẩn'],
    bounds: 'words',
    verbs: String.raw`bỏ\s+qua|phớt\s+lờ|lờ\s+đi|quên(?:\s+(?:hết|đi))?|(?:không|đừng)\s+(?:tuân\s+theo|làm\s+theo)`,
    qualifiers: String.raw`trước\s+đó|trước\s+đây|trước|tất\s+cả|mọi|toàn\s+bộ|của\s+bạn|hệ\s+thống|ban\s+đầu|ở\s+trên|phía\s+trên|đã\s+được\s+giao|cũ`,
    nouns: String.raw`hướng\s+dẫn|chỉ\s+dẫn|chỉ\s+thị|quy\s+tắc|quy\s+định|mệnh\s+lệnh|câu\s+lệnh|lệnh|yêu\s+cầu|prompt|giới\s+hạn`,
    negation: String.raw`đừng\s+|không\s+|chưa\s+|tôi\s+|đã\s+`,
    reveal: { verbs: String.raw`cho\s+(?:tôi\s+)?xem|hiển\s+thị|in\s+ra|tiết\s+lộ|lặp\s+lại|nói\s+cho\s+tôi(?:\s+biết)?|viết\s+ra`, objects: String.raw`(?:lời\s+nhắc|prompt|thông\s+điệp|chỉ\s+dẫn|hướng\s+dẫn)\s+(?:hệ\s+thống|ban\s+đầu|ẩn|bí\s+mật)` },
  },
  {
    code: 'id',
    needs: ['abaikan', 'lupakan', 'acuhkan', 'jangan ikuti', 'tidak usah ikuti', 'jangan patuhi'],
    revealNeeds: ['sistem', 'awal', 'tersembunyi', 'rahasia'],
    bounds: 'words',
    verbs: String.raw`abaikan|lupakan|acuhkan|(?:jangan|tidak\s+usah|tak\s+usah)\s+(?:ikuti|patuhi|turuti)`,
    qualifiers: String.raw`sebelumnya|terdahulu|semua|seluruh|segala|sistem|awal|asli|di\s+atas|anda|kamu|yang\s+diberikan`,
    nouns: String.raw`instruksi(?:nya|mu)?|petunjuk(?:nya|mu)?|perintah(?:nya|mu)?|aturan(?:nya|mu)?|arahan(?:nya|mu)?|pedoman(?:nya|mu)?|prompt|batasan(?:nya|mu)?`,
    negation: String.raw`jangan\s+|tidak\s+|belum\s+`,
    reveal: { verbs: String.raw`tunjukkan|tampilkan|ungkapkan|bocorkan|ulangi|tuliskan|cetak|beri\s*tahu(?:kan)?(?:\s+saya)?|sebutkan`, objects: String.raw`(?:prompt|pesan|instruksi|petunjuk|perintah)\s+(?:sistem|awal|tersembunyi|rahasia)` },
  },
  {
    code: 'th',
    needs: ['เพิกเฉย', 'ไม่ต้องสนใจ', 'ลืม', 'ละเว้น', 'ไม่ต้องทำตาม', 'อย่าทำตาม', 'ข้าม'],
    revealNeeds: ['ระบบ', 'คำสั่งเริ่มต้น', 'คำสั่งลับ', 'คำสั่งที่ซ่อน'],
    bounds: 'none',
    verbs: String.raw`เพิกเฉย(?:ต่อ)?|ไม่ต้องสนใจ|ลืม|ละเว้น|ข้าม|ไม่ต้องทำตาม|อย่าทำตาม`,
    qualifiers: String.raw`ก่อนหน้า(?:นี้)?|ทั้งหมด|ของคุณ|ระบบ|ข้างต้น|ข้างบน|เดิม|ที่ได้รับ`,
    nouns: String.raw`คำสั่ง|คำแนะนำ|กฎ|ข้อกำหนด|ข้อบังคับ|แนวทาง|พรอมต์|ข้อจำกัด`,
    negation: String.raw`อย่า|ไม่|ไม่ได้|ผม|ฉัน|เขา|เคย`,
    reveal: { verbs: String.raw`แสดง|บอก|เปิดเผย|พิมพ์|ทวน|เขียน`, objects: String.raw`(?:พรอมต์|คำสั่ง|ข้อความ)(?:ของ)?ระบบ|คำสั่ง(?:เริ่มต้น|ลับ|ที่ซ่อน)` },
  },
  {
    code: 'el',
    needs: ['αγνο', 'αγνό', 'ξεχα', 'ξέχα', 'ξεχά', 'παραβλ', 'παράβλ'],
    revealNeeds: ['συστήματος', 'συστηματος', 'οδηγίες', 'οδηγιες'],
    bounds: 'words',
    verbs: String.raw`αγν[οό](?:η|ή)σ(?:ε|τε)|ξ[εέ]χ[αά]σ(?:ε|τε)|παρ[αά]βλ[εέ]ψ(?:ε|τε)`,
    qualifiers: String.raw`προηγο[υύ]μεν\p{L}*|[οό]λ(?:ες|ους|α)|σου|σας|αρχικ\p{L}*|του\s+συστ[ηή]ματος|παραπ[αά]νω|δοσμ[εέ]ν\p{L}*`,
    nouns: String.raw`οδηγ[ιί](?:ες|α|ών)|εντολ(?:ές|ες|ών|ή)|καν[οό]ν(?:ες|ων|α)|προτροπ\p{L}*|prompt|περιορισμ\p{L}*`,
    negation: String.raw`μην\s+|δεν\s+|ποτέ\s+`,
    reveal: { verbs: String.raw`δε[ιί]ξ(?:ε|τε)|αποκ[αά]λυψε|αποκαλ[υύ]ψτε|επαν[αά]λαβε|γρ[αά]ψε|τ[υύ]πωσε|π[εέ]ς\s+μου`, objects: String.raw`(?:την\s+)?(?:προτροπ[ηή]|εντολ[ηή]|μ[ηή]νυμα)\s+(?:του\s+)?συστ[ηή]ματος|(?:τις\s+)?(?:αρχικ[εέ]ς|κρυφ[εέ]ς|μυστικ[εέ]ς)\s+(?:σου\s+)?οδηγ[ιί]ες` },
  },
  {
    code: 'ro',
    needs: ['ignor', 'uită', 'uitaț', 'uitat', 'nu urma', 'nu mai urma', 'nu respect'],
    revealNeeds: ['sistem', 'promptul ini', 'mesajul ini', 'instrucțiunile', 'instructiunile', 'instrucţiunile'],
    bounds: 'words',
    verbs: String.raw`ignor(?:ă|a|ați|ati|ă-le)|uit(?:ă|a|ați|ati)|nu\s+(?:mai\s+)?(?:urma|urmați|urmati|respecta|respectați|respectati)`,
    qualifiers: String.raw`anterioare|precedente|dinainte|toate|tale|voastre|de\s+mai\s+sus|ini[țţt]iale|originale|sistemului|de\s+sistem|primite`,
    nouns: String.raw`instruc[țţt]iun(?:ile|i|ea)|regul(?:ile|i)|directiv(?:ele|e)|comenzi(?:le)?|indica[țţt]ii(?:le)?|prompt(?:ul)?|restric[țţt]ii(?:le)?`,
    negation: String.raw`nu\s+|n-\s*|niciodată\s+`,
    reveal: { verbs: String.raw`arat[ăa](?:-mi)?|dezv[ăa]luie|afi[șş]eaz[ăa]|repet[ăa]|scrie|spune(?:-mi)?`, objects: String.raw`(?:promptul|mesajul)\s+(?:de\s+sistem|sistemului|ini[țţt]ial)|instruc[țţt]iunile\s+(?:de\s+sistem|sistemului|ini[țţt]iale|ascunse|secrete)` },
  },
  {
    code: 'fa',
    needs: ['نادیده', 'فراموش', 'توجه نکن', 'اعتنا نکن', 'پیروی نکن'],
    revealNeeds: ['سیستم', 'اولیه', 'مخفی', 'پنهان', 'محرمانه'],
    bounds: 'words',
    verbLast: true,
    verbs: String.raw`نادیده\s*(?:ب)?گیر(?:ید)?|نادیده\s*بگیر(?:ید)?|فراموش\s*(?:ب)?کن(?:ید)?|توجه\s*نکن(?:ید)?|اعتنا\s*نکن(?:ید)?|پیروی\s*نکن(?:ید)?`,
    qualifiers: String.raw`قبلی|پیشین|همه(?:\u200c?ی)?|تمام(?:ی)?|خود|خودت|سیستم|سیستمی|اولیه|بالا|قبل`,
    nouns: String.raw`دستورالعمل(?:\u200c?ها)?|دستورات|دستور(?:\u200c?ها)?|قوانین|قواعد|رهنمودها|محدودیت(?:\u200c?ها)?|پرامپت`,
    negation: String.raw`هرگز\s+|من\s+|او\s+`,
    reveal: { verbs: String.raw`نشان\s*بده|بگو|فاش\s*کن|تکرار\s*کن|بنویس|چاپ\s*کن`, objects: String.raw`(?:پرامپت|دستورالعمل(?:\u200c?های)?|پیام|دستورات)\s+(?:سیستم(?:ی)?|اولیه|مخفی|پنهان|محرمانه)(?:\s+خود(?:ت)?)?` },
  },
  {
    code: 'he',
    needs: ['התעלמ', 'התעלם', 'שכח', 'תציית', 'תקשיב'],
    revealNeeds: ['מערכת', 'מקוריות', 'סודיות', 'נסתרות', 'ראשוניות'],
    bounds: 'words',
    verbs: String.raw`התעלמ(?:ו|י)?|התעלם|שכח(?:ו|י)?|אל\s+(?:תציית|תצייתי|תצייתו|תקשיב)\s+ל`,
    qualifiers: String.raw`(?:מ|ל)?(?:כל|הכל)|הקודמות|הקודמים|הקודם|שלך|שלכם|המערכת|המקוריות|המקוריים|לעיל|שקיבלת`,
    nouns: String.raw`(?:מ|ל)?ה?(?:הוראות|הנחיות|כללים|פקודות|חוקים|מגבלות)|פרומפט`,
    // The imperative is spelled like the past tense ("שכח": forget! / he forgot): a subject before it is a report.
    negation: String.raw`אל\s+|לא\s+|אף\s+פעם\s+|הוא\s+|היא\s+|הם\s+|אני\s+|כבר\s+`,
    reveal: { verbs: String.raw`הראה|תראה|הצג|תציג|חשוף|תחשוף|כתוב|תכתוב|חזור\s+על|ספר\s+לי|הדפס`, objects: String.raw`(?:את\s+)?(?:ה)?(?:הנחיית|פרומפט|הודעת|הוראות)\s+(?:ה)?מערכת|(?:את\s+)?ה?הוראות\s+(?:ה)?(?:מקוריות|סודיות|נסתרות|ראשוניות)` },
  },
  {
    code: 'bn',
    needs: ['উপেক্ষা', 'ভুলে যা', 'অগ্রাহ্য', 'মানবে না', 'মানবেন না'],
    revealNeeds: ['সিস্টেম', 'নির্দেশ'],
    bounds: 'words',
    verbLast: true,
    verbs: String.raw`উপেক্ষা\s+কর(?:ো|ুন|)|ভুলে\s+যা(?:ও|ন)|অগ্রাহ্য\s+কর(?:ো|ুন|)|মানবে(?:ন)?\s+না`,
    qualifiers: String.raw`আগের|পূর্ববর্তী|সব|সমস্ত|তোমার|আপনার|সিস্টেম(?:ের)?|প্রাথমিক|উপরের`,
    nouns: String.raw`নির্দেশ[\p{L}\p{M}]*|নিয়ম[\p{L}\p{M}]*|আদেশ[\p{L}\p{M}]*|প্রম্পট[\p{L}\p{M}]*`,
    reveal: { verbs: String.raw`দেখাও|দেখান|বলো|বলুন|লেখো|প্রকাশ\s+কর(?:ো|ুন)`, objects: String.raw`সিস্টেম\s+(?:প্রম্পট|বার্তা|নির্দেশ)[\p{L}\p{M}]*|(?:মূল|লুকানো|গোপন|প্রাথমিক)\s+নির্দেশ[\p{L}\p{M}]*` },
  },
];

const STARTS_LATIN = /^[a-z]/;

/**
 * `alternatives` as one group, with the word boundaries its language uses. \b knows only ASCII
 * letters, so other scripts need a lookbehind; words in Latin script keep \b, because a
 * pattern that opens with a lookbehind is tried at every position of the text and costs
 * several times more.
 */
function word(alternatives: string, bounds: Language['bounds']): string {
  if (bounds === 'none') return `(?:${alternatives})`;
  const isLatin = splitAlternatives(alternatives).every((alternative) => STARTS_LATIN.test(alternative));
  const before = isLatin ? String.raw`\b` : String.raw`(?<!${LETTER})`;
  return String.raw`${before}(?:${alternatives})${bounds === 'words' ? String.raw`(?!${LETTER})` : ''}`;
}

function overrideRule(language: Language): InjectionRule {
  const [qualifiers, nouns] = [language.qualifiers, language.nouns].map((part) => word(part, language.bounds));
  const verb = unlessNegated(word(language.verbs, language.bounds), language.negation, language.negationAfter);
  const object = String.raw`(?:${qualifiers}${GAP}${nouns}|${nouns}${GAP}${qualifiers})`;
  return {
    id: `override_${language.code}`,
    needs: language.needs,
    feature: 'instruction_override',
    pattern: new RegExp(verbPhrase(verb, object, GAP, language.verbLast), 'iu'),
    weight: 0.8,
  };
}

function revealRule(language: Language, reveal: NonNullable<Language['reveal']>): InjectionRule {
  const bounds = language.bounds === 'words' ? 'prefix' : language.bounds;
  return {
    id: `reveal_prompt_${language.code}`,
    needs: language.revealNeeds ?? language.needs,
    feature: 'system_prompt_extraction',
    pattern: new RegExp(verbPhrase(word(reveal.verbs, bounds), word(reveal.objects, bounds), GAP, language.verbLast), 'iu'),
    weight: 0.75,
  };
}

export const MULTILINGUAL_RULES: readonly InjectionRule[] = LANGUAGES.flatMap((language) => [
  overrideRule(language),
  ...(language.reveal === undefined ? [] : [revealRule(language, language.reveal)]),
]);
