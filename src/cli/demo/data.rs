//! Demo campaign data: a realistic mid-size Chinese city's municipal units.

pub struct DemoCategory {
    pub code: &'static str,
    pub name: &'static str,
    pub name_en: &'static str,
    pub units: &'static [DemoUnit],
}

pub struct DemoUnit {
    pub code: &'static str,
    pub name: &'static str,
    pub name_en: &'static str,
}

pub const TITLE: &str = "2026 年度市级机关社会评议（演示）";
pub const TITLE_EN: &str = "2026 Public Review of Municipal Departments (demo)";

pub const CATEGORIES: &[DemoCategory] = &[
    DemoCategory {
        code: "A",
        name: "党政综合服务",
        name_en: "Party and government general services",
        units: UNITS_A,
    },
    DemoCategory {
        code: "B",
        name: "政府经济管理",
        name_en: "Government economic management",
        units: UNITS_B,
    },
    DemoCategory {
        code: "C", name: "行政执法", name_en: "Administrative law enforcement", units: UNITS_C
    },
    DemoCategory { code: "D", name: "垂直管理", name_en: "Vertically managed units", units: UNITS_D },
];

/// 界别: the walks of life of the citizen panel, with each one's share of the panel in percent
/// (sum 100).
pub const SEGMENTS: &[(&str, u32)] = &[
    ("人大代表", 10),
    ("政协委员", 10),
    ("企业界", 15),
    ("基层干部", 12),
    ("社区居民代表", 18),
    ("教育科技界", 7),
    ("医疗卫生界", 6),
    ("新闻媒体界", 4),
    ("服务对象代表", 13),
    ("律师界", 5),
];

/// Districts (区县) of the demo city with each one's share of the panel in percent (sum 100).
pub const DISTRICTS: &[(&str, u32)] = &[
    ("城关区", 20),
    ("东湖区", 16),
    ("南岸区", 14),
    ("高新区", 10),
    ("经开区", 8),
    ("北山县", 12),
    ("清河县", 11),
    ("云溪县", 9),
];

/// The district names alone, in order: what the survey page offers the public (选填).
pub fn district_names() -> impl Iterator<Item = &'static str> {
    DISTRICTS.iter().map(|&(name, _)| name)
}

const fn u(code: &'static str, name: &'static str, name_en: &'static str) -> DemoUnit {
    DemoUnit { code, name, name_en }
}

/// A: party organs, then the people's congress and CPPCC offices, then government offices,
/// then mass organisations.
#[rustfmt::skip]
const UNITS_A: &[DemoUnit] = &[
    u("A01", "市委办公室", "General Office of the CPC Municipal Committee"),
    u("A02", "市委组织部", "Organization Department of the CPC Municipal Committee"),
    u("A03", "市委宣传部", "Publicity Department of the CPC Municipal Committee"),
    u("A04", "市委统战部", "United Front Work Department of the CPC Municipal Committee"),
    u("A05", "市委政法委", "Political and Legal Affairs Commission of the CPC Municipal Committee"),
    u("A06", "市委政策研究室", "Policy Research Office of the CPC Municipal Committee"),
    u(
        "A07",
        "市委机构编制委员会办公室",
        "Office of the Institutional Organization Commission of the CPC Municipal Committee",
    ),
    u(
        "A08",
        "市人大常委会办公室",
        "General Office of the Standing Committee of the Municipal People's Congress",
    ),
    u("A09", "市政协办公室", "General Office of the CPPCC Municipal Committee"),
    u("A10", "市政府办公室", "General Office of the Municipal People's Government"),
    u("A11", "市信访局", "Municipal Bureau of Letters and Calls"),
    u("A12", "市机关事务管理局", "Municipal Government Offices Administration"),
    u("A13", "市档案馆", "Municipal Archives"),
    u("A14", "市总工会", "Municipal Federation of Trade Unions"),
    u("A15", "团市委", "Municipal Committee of the Communist Youth League of China"),
    u("A16", "市妇联", "Municipal Women's Federation"),
];

#[rustfmt::skip]
const UNITS_B: &[DemoUnit] = &[
    u("B01", "市发展和改革委员会", "Municipal Development and Reform Commission"),
    u("B02", "市科学技术局", "Municipal Bureau of Science and Technology"),
    u("B03", "市工业和信息化局", "Municipal Bureau of Industry and Information Technology"),
    u("B04", "市财政局", "Municipal Bureau of Finance"),
    u("B05", "市自然资源和规划局", "Municipal Bureau of Natural Resources and Planning"),
    u("B06", "市住房和城乡建设局", "Municipal Bureau of Housing and Urban-Rural Development"),
    u("B07", "市交通运输局", "Municipal Bureau of Transport"),
    u("B08", "市水利局", "Municipal Bureau of Water Resources"),
    u("B09", "市农业农村局", "Municipal Bureau of Agriculture and Rural Affairs"),
    u("B10", "市商务局", "Municipal Bureau of Commerce"),
    u("B11", "市文化广电旅游局", "Municipal Bureau of Culture, Radio, Television and Tourism"),
    u("B12", "市审计局", "Municipal Audit Bureau"),
    u(
        "B13",
        "市人民政府国有资产监督管理委员会",
        "State-owned Assets Supervision and Administration Commission of the Municipal Government",
    ),
    u("B14", "市统计局", "Municipal Bureau of Statistics"),
    u("B15", "市地方金融管理局", "Municipal Local Financial Administration"),
    u("B16", "市投资促进局", "Municipal Bureau of Investment Promotion"),
];

#[rustfmt::skip]
const UNITS_C: &[DemoUnit] = &[
    u("C01", "市教育局", "Municipal Bureau of Education"),
    u("C02", "市公安局", "Municipal Public Security Bureau"),
    u("C03", "市民政局", "Municipal Bureau of Civil Affairs"),
    u("C04", "市司法局", "Municipal Bureau of Justice"),
    u("C05", "市人力资源和社会保障局", "Municipal Bureau of Human Resources and Social Security"),
    u("C06", "市生态环境局", "Municipal Bureau of Ecology and Environment"),
    u(
        "C07",
        "市城市管理综合行政执法局",
        "Municipal Bureau of Urban Management and Comprehensive Administrative Law Enforcement",
    ),
    u("C08", "市卫生健康委员会", "Municipal Health Commission"),
    u("C09", "市退役军人事务局", "Municipal Bureau of Veterans Affairs"),
    u("C10", "市应急管理局", "Municipal Bureau of Emergency Management"),
    u("C11", "市市场监督管理局", "Municipal Administration for Market Regulation"),
    u("C12", "市医疗保障局", "Municipal Healthcare Security Administration"),
    u("C13", "市行政审批服务局", "Municipal Administrative Approval Service Bureau"),
    u("C14", "市人民防空办公室", "Municipal Civil Air Defense Office"),
];

#[rustfmt::skip]
const UNITS_D: &[DemoUnit] = &[
    u("D01", "国家税务总局市税务局", "Municipal Taxation Bureau, State Taxation Administration"),
    u("D02", "国家统计局市调查队", "Municipal Survey Team, National Bureau of Statistics"),
    u("D03", "市海关", "Municipal Customs, General Administration of Customs"),
    u("D04", "中国人民银行市分行", "Municipal Branch, People's Bank of China"),
    u(
        "D05",
        "国家金融监督管理总局市监管分局",
        "Municipal Regulatory Bureau, National Financial Regulatory Administration",
    ),
    u("D06", "市气象局", "Municipal Meteorological Bureau"),
    u("D07", "市烟草专卖局", "Municipal Tobacco Monopoly Bureau"),
    u("D08", "市邮政管理局", "Municipal Postal Administration"),
    u("D09", "市通信管理办公室", "Municipal Communications Administration Office"),
    u("D10", "市消防救援支队", "Municipal Fire and Rescue Detachment"),
    u("D11", "市盐务局", "Municipal Salt Administration"),
    u("D12", "市水文水资源勘测局", "Municipal Bureau of Hydrology and Water Resources Survey"),
    u("D13", "市供电公司", "Municipal Power Supply Company, State Grid"),
    u("D14", "市住房公积金管理中心", "Municipal Housing Provident Fund Management Center"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn all_units() -> impl Iterator<Item = &'static DemoUnit> {
        CATEGORIES.iter().flat_map(|c| c.units.iter())
    }

    #[test]
    fn sixty_units_in_four_categories() {
        assert_eq!(all_units().count(), 60);
        let codes: Vec<&str> = CATEGORIES.iter().map(|c| c.code).collect();
        assert_eq!(codes, ["A", "B", "C", "D"]);
        for c in CATEGORIES {
            assert!((13..=17).contains(&c.units.len()), "category {}", c.code);
        }
    }

    #[test]
    fn unit_codes_are_unique_and_consecutive() {
        let mut seen = HashSet::new();
        for c in CATEGORIES {
            for (i, unit) in c.units.iter().enumerate() {
                assert_eq!(unit.code, format!("{}{:02}", c.code, i + 1));
                assert_eq!(unit.code.len(), 3);
                assert!(unit.code[1..].bytes().all(|b| b.is_ascii_digit()));
                assert!(seen.insert(unit.code), "duplicate code {}", unit.code);
            }
        }
    }

    #[test]
    fn shares_sum_to_100() {
        assert_eq!(SEGMENTS.iter().map(|&(_, p)| p).sum::<u32>(), 100);
        assert_eq!(DISTRICTS.iter().map(|&(_, p)| p).sum::<u32>(), 100);
        assert!((8..=10).contains(&SEGMENTS.len()));
        assert!((6..=9).contains(&DISTRICTS.len()));
    }

    #[test]
    fn names_are_non_empty_and_unique() {
        assert!(!TITLE.trim().is_empty() && !TITLE_EN.trim().is_empty());
        for c in CATEGORIES {
            assert!(!c.name.trim().is_empty() && !c.name_en.trim().is_empty());
        }
        let mut names = HashSet::new();
        let mut names_en = HashSet::new();
        for unit in all_units() {
            assert!(!unit.name.trim().is_empty(), "{}", unit.code);
            assert!(!unit.name_en.trim().is_empty(), "{}", unit.code);
            assert!(names.insert(unit.name), "duplicate name {}", unit.name);
            assert!(names_en.insert(unit.name_en), "duplicate name_en {}", unit.name_en);
        }
        for list in [SEGMENTS, DISTRICTS] {
            let mut seen = HashSet::new();
            for &(name, _) in list {
                assert!(!name.trim().is_empty());
                assert!(seen.insert(name), "duplicate {}", name);
            }
        }
    }
}
