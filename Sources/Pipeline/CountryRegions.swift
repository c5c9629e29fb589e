/// The geographic region of a country: the United Nations' M49 standard's intermediate region where it has one
/// (the four parts of sub-Saharan Africa; the Caribbean, Central and South America), else its sub-region. Twenty-two
/// regions in all, keyed by ISO 3166-1 alpha-2 code. A code not listed (Antarctica, a code assigned later) is a region
/// of its own.
enum CountryRegions {
    /// The region's English name, as M49 spells it.
    static func region(of country: String) -> String { table[country] ?? country }

    /// Every listed country's region.
    static let table: [String: String] = {
        var table = [String: String]()
        for (region, countries) in members {
            for country in countries.split(separator: " ") { table[String(country)] = region }
        }
        return table
    }()

    /// The members of each region, as space-separated codes.
    static let members: [(region: String, countries: String)] = [
        ("Northern Africa", "DZ EG EH LY MA SD TN"),
        ("Eastern Africa", "BI DJ ER ET IO KE KM MG MU MW MZ RE RW SC SO SS TF TZ UG YT ZM ZW"),
        ("Middle Africa", "AO CD CF CG CM GA GQ ST TD"),
        ("Southern Africa", "BW LS NA SZ ZA"),
        ("Western Africa", "BF BJ CI CV GH GM GN GW LR ML MR NE NG SH SL SN TG"),
        (
            "Caribbean",
            "AG AI AW BB BL BQ BS CU CW DM DO GD GP HT JM KN KY LC MF MQ MS PR SX TC TT VC VG VI"
        ),
        ("Central America", "BZ CR GT HN MX NI PA SV"),
        ("South America", "AR BO BR BV CL CO EC FK GF GS GY PE PY SR UY VE"),
        ("Northern America", "BM CA GL PM US"),
        ("Central Asia", "KG KZ TJ TM UZ"),
        ("Eastern Asia", "CN HK JP KP KR MN MO TW"),
        ("South-eastern Asia", "BN ID KH LA MM MY PH SG TH TL VN"),
        ("Southern Asia", "AF BD BT IN IR LK MV NP PK"),
        ("Western Asia", "AE AM AZ BH CY GE IL IQ JO KW LB OM PS QA SA SY TR YE"),
        ("Eastern Europe", "BG BY CZ HU MD PL RO RU SK UA"),
        ("Northern Europe", "AX DK EE FI FO GB GG IE IM IS JE LT LV NO SE SJ"),
        ("Southern Europe", "AD AL BA ES GI GR HR IT ME MK MT PT RS SI SM VA"),
        ("Western Europe", "AT BE CH DE FR LI LU MC NL"),
        ("Australia and New Zealand", "AU CC CX HM NF NZ"),
        ("Melanesia", "FJ NC PG SB VU"),
        ("Micronesia", "FM GU KI MH MP NR PW UM"),
        ("Polynesia", "AS CK NU PF PN TK TO TV WF WS"),
    ]
}
