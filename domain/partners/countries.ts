/** A country/region: its ISO 3166-1 alpha-2 code and its name in each product language. */
export interface Country {
  readonly code: string;
  readonly en: string;
  readonly ru: string;
}

/**
 * The countries and regions where the CSP program operates, with Partner Center's names.
 *
 * Source: Partner Center's "Cloud Solution Provider program regional markets and currencies"
 * (learn.microsoft.com/partner-center/regional-authorization-overview; English names from its
 * 2020 text, Russian names from the ru-RU edition of 2021, corrected where the machine
 * translation was wrong: "Грузия", not "Джорджия"). North Macedonia and Eswatini carry their
 * current names. Left out on purpose:
 * - Russia and Belarus: listed in those editions, but Microsoft suspended new sales there in
 *   2022, so a partner cannot enroll for them any more;
 * - Antarctica, Bouvet Island, Heard and McDonald Islands, South Georgia and the South Sandwich
 *   Islands, French Southern Territories, U.S. Outlying Islands, British Indian Ocean Territory:
 *   customer markets in that list, but with no permanent population there is no business to
 *   register a partner location for;
 * - never in the list: the countries under comprehensive sanctions (North Korea, Iran, Syria,
 *   Cuba) and mainland China (Partner Center operated by 21Vianet). The Crimea, Donetsk and
 *   Luhansk regions have no code of their own: they cannot be excluded here, operators screen
 *   addresses when they review.
 * Kosovo uses the user-assigned code XK, as Partner Center and libphonenumber do.
 */
export const COUNTRIES: readonly Country[] = [
  { code: 'AD', en: 'Andorra', ru: 'Андорра' },
  { code: 'AE', en: 'United Arab Emirates', ru: 'ОАЭ' },
  { code: 'AF', en: 'Afghanistan', ru: 'Афганистан' },
  { code: 'AG', en: 'Antigua and Barbuda', ru: 'Антигуа и Барбуда' },
  { code: 'AI', en: 'Anguilla', ru: 'Ангилья' },
  { code: 'AL', en: 'Albania', ru: 'Албания' },
  { code: 'AM', en: 'Armenia', ru: 'Армения' },
  { code: 'AO', en: 'Angola', ru: 'Ангола' },
  { code: 'AR', en: 'Argentina', ru: 'Аргентина' },
  { code: 'AS', en: 'American Samoa', ru: 'Американское Самоа' },
  { code: 'AT', en: 'Austria', ru: 'Австрия' },
  { code: 'AU', en: 'Australia', ru: 'Австралия' },
  { code: 'AW', en: 'Aruba', ru: 'Аруба' },
  { code: 'AX', en: 'Åland Islands', ru: 'Аландские острова' },
  { code: 'AZ', en: 'Azerbaijan', ru: 'Азербайджан' },
  { code: 'BA', en: 'Bosnia and Herzegovina', ru: 'Босния и Герцеговина' },
  { code: 'BB', en: 'Barbados', ru: 'Барбадос' },
  { code: 'BD', en: 'Bangladesh', ru: 'Бангладеш' },
  { code: 'BE', en: 'Belgium', ru: 'Бельгия' },
  { code: 'BF', en: 'Burkina Faso', ru: 'Буркина-Фасо' },
  { code: 'BG', en: 'Bulgaria', ru: 'Болгария' },
  { code: 'BH', en: 'Bahrain', ru: 'Бахрейн' },
  { code: 'BI', en: 'Burundi', ru: 'Бурунди' },
  { code: 'BJ', en: 'Benin', ru: 'Бенин' },
  { code: 'BL', en: 'Saint Barthélemy', ru: 'Сен-Бартелеми' },
  { code: 'BM', en: 'Bermuda', ru: 'Бермудские Острова' },
  { code: 'BN', en: 'Brunei Darussalam', ru: 'Бруней-Даруссалам' },
  { code: 'BO', en: 'Bolivia', ru: 'Боливия' },
  { code: 'BQ', en: 'Bonaire, Sint Eustatius and Saba', ru: 'Бонэйр, Синт-Эстатиус и Саба' },
  { code: 'BR', en: 'Brazil', ru: 'Бразилия' },
  { code: 'BS', en: 'Bahamas', ru: 'Багамские Острова' },
  { code: 'BT', en: 'Bhutan', ru: 'Бутан' },
  { code: 'BW', en: 'Botswana', ru: 'Ботсвана' },
  { code: 'BZ', en: 'Belize', ru: 'Белиз' },
  { code: 'CA', en: 'Canada', ru: 'Канада' },
  { code: 'CC', en: 'Cocos (Keeling) Islands', ru: 'Кокосовые (Килинг) острова' },
  { code: 'CD', en: 'Congo (DRC)', ru: 'Конго (ДРК)' },
  { code: 'CF', en: 'Central African Republic', ru: 'Центрально-Африканская Республика' },
  { code: 'CG', en: 'Congo', ru: 'Конго' },
  { code: 'CH', en: 'Switzerland', ru: 'Швейцария' },
  { code: 'CI', en: 'Côte d’Ivoire', ru: 'Кот-д’Ивуар' },
  { code: 'CK', en: 'Cook Islands', ru: 'Острова Кука' },
  { code: 'CL', en: 'Chile', ru: 'Чили' },
  { code: 'CM', en: 'Cameroon', ru: 'Камерун' },
  { code: 'CO', en: 'Colombia', ru: 'Колумбия' },
  { code: 'CR', en: 'Costa Rica', ru: 'Коста-Рика' },
  { code: 'CV', en: 'Cape Verde', ru: 'Кабо-Верде' },
  { code: 'CW', en: 'Curaçao', ru: 'Кюрасао' },
  { code: 'CX', en: 'Christmas Island', ru: 'Остров Рождества' },
  { code: 'CY', en: 'Cyprus', ru: 'Кипр' },
  { code: 'CZ', en: 'Czechia', ru: 'Чехия' },
  { code: 'DE', en: 'Germany', ru: 'Германия' },
  { code: 'DJ', en: 'Djibouti', ru: 'Джибути' },
  { code: 'DK', en: 'Denmark', ru: 'Дания' },
  { code: 'DM', en: 'Dominica', ru: 'Доминика' },
  { code: 'DO', en: 'Dominican Republic', ru: 'Доминиканская Республика' },
  { code: 'DZ', en: 'Algeria', ru: 'Алжир' },
  { code: 'EC', en: 'Ecuador', ru: 'Эквадор' },
  { code: 'EE', en: 'Estonia', ru: 'Эстония' },
  { code: 'EG', en: 'Egypt', ru: 'Египет' },
  { code: 'ER', en: 'Eritrea', ru: 'Эритрея' },
  { code: 'ES', en: 'Spain', ru: 'Испания' },
  { code: 'ET', en: 'Ethiopia', ru: 'Эфиопия' },
  { code: 'FI', en: 'Finland', ru: 'Финляндия' },
  { code: 'FJ', en: 'Fiji', ru: 'Фиджи' },
  { code: 'FK', en: 'Falkland Islands', ru: 'Фолклендские острова' },
  { code: 'FM', en: 'Micronesia', ru: 'Федеративные Штаты Микронезии' },
  { code: 'FO', en: 'Faroe Islands', ru: 'Фарерские острова' },
  { code: 'FR', en: 'France', ru: 'Франция' },
  { code: 'GA', en: 'Gabon', ru: 'Габон' },
  { code: 'GB', en: 'United Kingdom', ru: 'Великобритания' },
  { code: 'GD', en: 'Grenada', ru: 'Гренада' },
  { code: 'GE', en: 'Georgia', ru: 'Грузия' },
  { code: 'GF', en: 'French Guiana', ru: 'Французская Гвиана' },
  { code: 'GG', en: 'Guernsey', ru: 'Гернси' },
  { code: 'GH', en: 'Ghana', ru: 'Гана' },
  { code: 'GI', en: 'Gibraltar', ru: 'Гибралтар' },
  { code: 'GL', en: 'Greenland', ru: 'Гренландия' },
  { code: 'GM', en: 'Gambia', ru: 'Гамбия' },
  { code: 'GN', en: 'Guinea', ru: 'Гвинея' },
  { code: 'GP', en: 'Guadeloupe', ru: 'Гваделупа' },
  { code: 'GQ', en: 'Equatorial Guinea', ru: 'Экваториальная Гвинея' },
  { code: 'GR', en: 'Greece', ru: 'Греция' },
  { code: 'GT', en: 'Guatemala', ru: 'Гватемала' },
  { code: 'GU', en: 'Guam', ru: 'Гуам' },
  { code: 'GW', en: 'Guinea-Bissau', ru: 'Гвинея-Бисау' },
  { code: 'GY', en: 'Guyana', ru: 'Гайана' },
  { code: 'HK', en: 'Hong Kong SAR', ru: 'Гонконг, САР' },
  { code: 'HN', en: 'Honduras', ru: 'Гондурас' },
  { code: 'HR', en: 'Croatia', ru: 'Хорватия' },
  { code: 'HT', en: 'Haiti', ru: 'Гаити' },
  { code: 'HU', en: 'Hungary', ru: 'Венгрия' },
  { code: 'ID', en: 'Indonesia', ru: 'Индонезия' },
  { code: 'IE', en: 'Ireland', ru: 'Ирландия' },
  { code: 'IL', en: 'Israel', ru: 'Израиль' },
  { code: 'IM', en: 'Isle of Man', ru: 'Остров Мэн' },
  { code: 'IN', en: 'India', ru: 'Индия' },
  { code: 'IQ', en: 'Iraq', ru: 'Ирак' },
  { code: 'IS', en: 'Iceland', ru: 'Исландия' },
  { code: 'IT', en: 'Italy', ru: 'Италия' },
  { code: 'JE', en: 'Jersey', ru: 'Джерси' },
  { code: 'JM', en: 'Jamaica', ru: 'Ямайка' },
  { code: 'JO', en: 'Jordan', ru: 'Иордания' },
  { code: 'JP', en: 'Japan', ru: 'Япония' },
  { code: 'KE', en: 'Kenya', ru: 'Кения' },
  { code: 'KG', en: 'Kyrgyzstan', ru: 'Киргизия' },
  { code: 'KH', en: 'Cambodia', ru: 'Камбоджа' },
  { code: 'KI', en: 'Kiribati', ru: 'Кирибати' },
  { code: 'KM', en: 'Comoros', ru: 'Коморы' },
  { code: 'KN', en: 'Saint Kitts and Nevis', ru: 'Сент-Китс и Невис' },
  { code: 'KR', en: 'Korea', ru: 'Республика Корея' },
  { code: 'KW', en: 'Kuwait', ru: 'Кувейт' },
  { code: 'KY', en: 'Cayman Islands', ru: 'Каймановы острова' },
  { code: 'KZ', en: 'Kazakhstan', ru: 'Казахстан' },
  { code: 'LA', en: 'Laos', ru: 'Лаос' },
  { code: 'LB', en: 'Lebanon', ru: 'Ливан' },
  { code: 'LC', en: 'Saint Lucia', ru: 'Сент-Люсия' },
  { code: 'LI', en: 'Liechtenstein', ru: 'Лихтенштейн' },
  { code: 'LK', en: 'Sri Lanka', ru: 'Шри-Ланка' },
  { code: 'LR', en: 'Liberia', ru: 'Либерия' },
  { code: 'LS', en: 'Lesotho', ru: 'Лесото' },
  { code: 'LT', en: 'Lithuania', ru: 'Литва' },
  { code: 'LU', en: 'Luxembourg', ru: 'Люксембург' },
  { code: 'LV', en: 'Latvia', ru: 'Латвия' },
  { code: 'LY', en: 'Libya', ru: 'Ливия' },
  { code: 'MA', en: 'Morocco', ru: 'Марокко' },
  { code: 'MC', en: 'Monaco', ru: 'Монако' },
  { code: 'MD', en: 'Moldova', ru: 'Молдова' },
  { code: 'ME', en: 'Montenegro', ru: 'Черногория' },
  { code: 'MF', en: 'Saint Martin', ru: 'Сен-Мартен' },
  { code: 'MG', en: 'Madagascar', ru: 'Мадагаскар' },
  { code: 'MH', en: 'Marshall Islands', ru: 'Маршалловы Острова' },
  { code: 'MK', en: 'North Macedonia', ru: 'Северная Македония' },
  { code: 'ML', en: 'Mali', ru: 'Мали' },
  { code: 'MM', en: 'Myanmar', ru: 'Мьянма' },
  { code: 'MN', en: 'Mongolia', ru: 'Монголия' },
  { code: 'MO', en: 'Macao SAR', ru: 'Макао, САР' },
  { code: 'MP', en: 'Northern Mariana Islands', ru: 'Северные Марианские острова' },
  { code: 'MQ', en: 'Martinique', ru: 'Мартиника' },
  { code: 'MR', en: 'Mauritania', ru: 'Мавритания' },
  { code: 'MS', en: 'Montserrat', ru: 'Монтсеррат' },
  { code: 'MT', en: 'Malta', ru: 'Мальта' },
  { code: 'MU', en: 'Mauritius', ru: 'Маврикий' },
  { code: 'MV', en: 'Maldives', ru: 'Мальдивы' },
  { code: 'MW', en: 'Malawi', ru: 'Малави' },
  { code: 'MX', en: 'Mexico', ru: 'Мексика' },
  { code: 'MY', en: 'Malaysia', ru: 'Малайзия' },
  { code: 'MZ', en: 'Mozambique', ru: 'Мозамбик' },
  { code: 'NA', en: 'Namibia', ru: 'Намибия' },
  { code: 'NC', en: 'New Caledonia', ru: 'Новая Каледония' },
  { code: 'NE', en: 'Niger', ru: 'Нигер' },
  { code: 'NF', en: 'Norfolk Island', ru: 'Остров Норфолк' },
  { code: 'NG', en: 'Nigeria', ru: 'Нигерия' },
  { code: 'NI', en: 'Nicaragua', ru: 'Никарагуа' },
  { code: 'NL', en: 'Netherlands', ru: 'Нидерланды' },
  { code: 'NO', en: 'Norway', ru: 'Норвегия' },
  { code: 'NP', en: 'Nepal', ru: 'Непал' },
  { code: 'NR', en: 'Nauru', ru: 'Науру' },
  { code: 'NU', en: 'Niue', ru: 'Ниуэ' },
  { code: 'NZ', en: 'New Zealand', ru: 'Новая Зеландия' },
  { code: 'OM', en: 'Oman', ru: 'Оман' },
  { code: 'PA', en: 'Panama', ru: 'Панама' },
  { code: 'PE', en: 'Peru', ru: 'Перу' },
  { code: 'PF', en: 'French Polynesia', ru: 'Французская Полинезия' },
  { code: 'PG', en: 'Papua New Guinea', ru: 'Папуа — Новая Гвинея' },
  { code: 'PH', en: 'Philippines', ru: 'Филиппины' },
  { code: 'PK', en: 'Pakistan', ru: 'Пакистан' },
  { code: 'PL', en: 'Poland', ru: 'Польша' },
  { code: 'PM', en: 'Saint Pierre and Miquelon', ru: 'Сен-Пьер и Микелон' },
  { code: 'PN', en: 'Pitcairn Islands', ru: 'Острова Питкэрн' },
  { code: 'PR', en: 'Puerto Rico', ru: 'Пуэрто-Рико' },
  { code: 'PS', en: 'Palestinian Authority', ru: 'Палестинские территории' },
  { code: 'PT', en: 'Portugal', ru: 'Португалия' },
  { code: 'PW', en: 'Palau', ru: 'Палау' },
  { code: 'PY', en: 'Paraguay', ru: 'Парагвай' },
  { code: 'QA', en: 'Qatar', ru: 'Катар' },
  { code: 'RE', en: 'Reunion', ru: 'Реюньон' },
  { code: 'RO', en: 'Romania', ru: 'Румыния' },
  { code: 'RS', en: 'Serbia', ru: 'Сербия' },
  { code: 'RW', en: 'Rwanda', ru: 'Руанда' },
  { code: 'SA', en: 'Saudi Arabia', ru: 'Саудовская Аравия' },
  { code: 'SB', en: 'Solomon Islands', ru: 'Соломоновы Острова' },
  { code: 'SC', en: 'Seychelles', ru: 'Сейшельские Острова' },
  { code: 'SE', en: 'Sweden', ru: 'Швеция' },
  { code: 'SG', en: 'Singapore', ru: 'Сингапур' },
  {
    code: 'SH',
    en: 'Saint Helena, Ascension and Tristan da Cunha',
    ru: 'Острова Святой Елены, Вознесения и Тристан-да-Кунья',
  },
  { code: 'SI', en: 'Slovenia', ru: 'Словения' },
  { code: 'SJ', en: 'Svalbard and Jan Mayen', ru: 'Шпицберген и Ян-Майен' },
  { code: 'SK', en: 'Slovakia', ru: 'Словакия' },
  { code: 'SL', en: 'Sierra Leone', ru: 'Сьерра-Леоне' },
  { code: 'SM', en: 'San Marino', ru: 'Сан-Марино' },
  { code: 'SN', en: 'Senegal', ru: 'Сенегал' },
  { code: 'SO', en: 'Somalia', ru: 'Сомали' },
  { code: 'SR', en: 'Suriname', ru: 'Суринам' },
  { code: 'SS', en: 'South Sudan', ru: 'Южный Судан' },
  { code: 'ST', en: 'São Tomé and Príncipe', ru: 'Сан-Томе и Принсипи' },
  { code: 'SV', en: 'El Salvador', ru: 'Сальвадор' },
  { code: 'SX', en: 'Sint Maarten', ru: 'Синт-Мартен' },
  { code: 'SZ', en: 'Eswatini', ru: 'Эсватини' },
  { code: 'TC', en: 'Turks and Caicos Islands', ru: 'Острова Теркс и Кайкос' },
  { code: 'TD', en: 'Chad', ru: 'Чад' },
  { code: 'TG', en: 'Togo', ru: 'Того' },
  { code: 'TH', en: 'Thailand', ru: 'Таиланд' },
  { code: 'TJ', en: 'Tajikistan', ru: 'Таджикистан' },
  { code: 'TK', en: 'Tokelau', ru: 'Токелау' },
  { code: 'TL', en: 'Timor-Leste', ru: 'Тимор-Лесте' },
  { code: 'TM', en: 'Turkmenistan', ru: 'Туркменистан' },
  { code: 'TN', en: 'Tunisia', ru: 'Тунис' },
  { code: 'TO', en: 'Tonga', ru: 'Тонга' },
  { code: 'TR', en: 'Turkey', ru: 'Турция' },
  { code: 'TT', en: 'Trinidad and Tobago', ru: 'Тринидад и Тобаго' },
  { code: 'TV', en: 'Tuvalu', ru: 'Тувалу' },
  { code: 'TW', en: 'Taiwan', ru: 'Тайвань' },
  { code: 'TZ', en: 'Tanzania', ru: 'Танзания' },
  { code: 'UA', en: 'Ukraine', ru: 'Украина' },
  { code: 'UG', en: 'Uganda', ru: 'Уганда' },
  { code: 'US', en: 'United States', ru: 'США' },
  { code: 'UY', en: 'Uruguay', ru: 'Уругвай' },
  { code: 'UZ', en: 'Uzbekistan', ru: 'Узбекистан' },
  { code: 'VA', en: 'Vatican City', ru: 'Ватикан' },
  { code: 'VC', en: 'Saint Vincent and the Grenadines', ru: 'Сент-Винсент и Гренадины' },
  { code: 'VE', en: 'Venezuela', ru: 'Венесуэла' },
  { code: 'VG', en: 'British Virgin Islands', ru: 'Британские Виргинские острова' },
  { code: 'VI', en: 'U.S. Virgin Islands', ru: 'Виргинские острова (США)' },
  { code: 'VN', en: 'Vietnam', ru: 'Вьетнам' },
  { code: 'VU', en: 'Vanuatu', ru: 'Вануату' },
  { code: 'WF', en: 'Wallis and Futuna', ru: 'Уоллис и Футуна' },
  { code: 'WS', en: 'Samoa', ru: 'Самоа' },
  { code: 'XK', en: 'Kosovo', ru: 'Косово' },
  { code: 'YE', en: 'Yemen', ru: 'Йемен' },
  { code: 'YT', en: 'Mayotte', ru: 'Майотта' },
  { code: 'ZA', en: 'South Africa', ru: 'Южно-Африканская Республика' },
  { code: 'ZM', en: 'Zambia', ru: 'Замбия' },
  { code: 'ZW', en: 'Zimbabwe', ru: 'Зимбабве' },
];

const byCode = new Map(COUNTRIES.map((c) => [c.code, c]));
const byName = new Map<string, string>();
for (const c of COUNTRIES) {
  for (const name of [c.en, c.ru]) byName.set(normalizeName(name), c.code);
}

function normalizeName(name: string): string {
  return name
    .toLocaleLowerCase('ru')
    .replace(/ё/g, 'е')
    .replace(/[’'`.]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** True for the code (upper case) of a country/region in the list above. */
export function isCountryCode(code: string): boolean {
  return byCode.has(code);
}

/** The country's name in the language, or the code itself when unknown. */
export function countryName(code: string, language: 'en' | 'ru'): string {
  return byCode.get(code)?.[language] ?? code;
}

/**
 * Reads what a person typed: a code in any case (`de`), or a name in English or Russian
 * (`Germany`, `германия`). Returns the code, or undefined when nothing matches.
 */
export function resolveCountry(input: string): string | undefined {
  const trimmed = input.trim();
  const code = trimmed.toUpperCase();
  if (byCode.has(code)) return code;
  return byName.get(normalizeName(trimmed));
}

/** Every country as a card choice, sorted by its name in the language. */
export function countryChoices(language: 'en' | 'ru'): { title: string; value: string }[] {
  let sorted = sortedChoices.get(language);
  if (!sorted) {
    const collator = new Intl.Collator(language);
    sorted = COUNTRIES.map((c) => ({ title: c[language], value: c.code })).sort((a, b) =>
      collator.compare(a.title, b.title)
    );
    sortedChoices.set(language, sorted);
  }
  // Sorted once per language (the tenant step shows them all); each caller gets its own copies.
  return sorted.map((c) => ({ ...c }));
}

const sortedChoices = new Map<'en' | 'ru', readonly { title: string; value: string }[]>();
