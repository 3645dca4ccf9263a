"""A deterministic generator of realistic Chinese government documents, so every benchmark measures the same catalog.

The documents look like what a county or city portal publishes: titles such as
"海城市人民政府办公室关于印发《…实施方案》的通知", 文号 such as 海政办发〔2019〕23号 from many
agencies, dates from 2000 to 2026 (more in recent years), 主题分类, bodies of about 1,500
characters built from real government phrasing, bodies that cite other documents by 文号
(some in the catalog, some national ones that are not), 解读 documents that name their
policy by title and 文号, and about 5% repealed (废止) or expired (失效) documents.

The same (n, seed) always gives the same documents, and a smaller n gives a prefix of a larger
one, so ids such as g0000042 mean the same document at 10k and at 100k.

    from benchmarks.corpus import generate_documents, write_json_folder, mutate
    docs = list(generate_documents(10_000, seed=0))
    write_json_folder(Path("/tmp/corpus"), 10_000)       # then: kiosk import /tmp/corpus
    changed = mutate(docs, 100, seed=1)                   # 100 edited records, same ids
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from kiosk.catalog.document_record import DocumentRecord

__all__ = ["generate_documents", "write_json_folder", "mutate", "NATIONAL_DOCUMENTS"]

# Localities: (full name, level, one-character abbreviation used in 文号, province abbreviation).
LOCALITIES = [
    ("海城市", "市", "海", "辽"),
    ("鞍山市", "市", "鞍", "辽"),
    ("大连市", "市", "大", "辽"),
    ("盘锦市", "市", "盘", "辽"),
    ("兴隆台区", "区", "兴", "辽"),
    ("娄底市", "市", "娄", "湘"),
    ("长沙市", "市", "长", "湘"),
    ("浏阳市", "市", "浏", "湘"),
    ("陆河县", "县", "陆", "粤"),
    ("汕尾市", "市", "汕", "粤"),
    ("佛山市", "市", "佛", "粤"),
    ("顺德区", "区", "顺", "粤"),
    ("杭州市", "市", "杭", "浙"),
    ("余杭区", "区", "余", "浙"),
    ("德清县", "县", "德", "浙"),
    ("成都市", "市", "成", "川"),
    ("郫都区", "区", "郫", "川"),
    ("绵阳市", "市", "绵", "川"),
    ("武汉市", "市", "武", "鄂"),
    ("宜昌市", "市", "宜", "鄂"),
    ("南京市", "市", "宁", "苏"),
    ("昆山市", "市", "昆", "苏"),
    ("江阴市", "市", "澄", "苏"),
    ("济南市", "市", "济", "鲁"),
    ("寿光市", "市", "寿", "鲁"),
    ("郑州市", "市", "郑", "豫"),
    ("洛阳市", "市", "洛", "豫"),
    ("西安市", "市", "市", "陕"),
    ("榆林市", "市", "榆", "陕"),
    ("昆明市", "市", "昆", "滇"),
    ("大理市", "市", "大", "滇"),
    ("贵阳市", "市", "筑", "黔"),
    ("遵义市", "市", "遵", "黔"),
    ("南宁市", "市", "南", "桂"),
    ("桂林市", "市", "桂", "桂"),
    ("合肥市", "市", "合", "皖"),
    ("芜湖市", "市", "芜", "皖"),
    ("福州市", "市", "榕", "闽"),
    ("晋江市", "市", "晋", "闽"),
    ("石家庄市", "市", "石", "冀"),
]

# Departments: (name, 文号 stem, weight). The government itself and its office publish the most.
DEPARTMENTS = [
    ("人民政府", "政发", 10),
    ("人民政府办公室", "政办发", 14),
    ("人民政府办公室", "政办函", 5),
    ("人民政府", "政函", 3),
    ("财政局", "财发", 4),
    ("教育局", "教发", 4),
    ("住房和城乡建设局", "住建发", 4),
    ("人力资源和社会保障局", "人社发", 4),
    ("民政局", "民发", 4),
    ("卫生健康委员会", "卫健发", 4),
    ("自然资源局", "自然资发", 3),
    ("生态环境局", "环发", 3),
    ("市场监督管理局", "市监发", 3),
    ("农业农村局", "农发", 3),
    ("交通运输局", "交发", 2),
    ("应急管理局", "应急发", 2),
    ("医疗保障局", "医保发", 2),
    ("发展和改革委员会", "发改发", 3),
    ("商务局", "商发", 2),
    ("文化广电旅游局", "文旅发", 2),
    ("退役军人事务局", "退役军人发", 1),
    ("政务服务数据管理局", "政数发", 2),
    ("水利局", "水发", 2),
    ("林业局", "林发", 1),
    ("统计局", "统发", 1),
    ("审计局", "审发", 1),
    ("司法局", "司发", 1),
    ("公安局", "公发", 1),
]

# National and provincial documents that bodies cite; none of them is in the generated catalog.
NATIONAL_DOCUMENTS = [
    ("国务院办公厅关于印发2017年政务公开工作要点的通知", "国办发〔2017〕24号"),
    ("国务院办公厅关于全面推进政务公开工作的意见", "国办发〔2016〕8号"),
    ("国务院关于加快推进“互联网+政务服务”工作的指导意见", "国发〔2016〕55号"),
    ("国务院办公厅关于推进政务服务“一网通办”的意见", "国办发〔2018〕45号"),
    ("国务院关于在线政务服务的若干规定", "国务院令第716号"),
    ("国务院办公厅关于全面推进城镇老旧小区改造工作的指导意见", "国办发〔2020〕23号"),
    ("国务院关于实施健康中国行动的意见", "国发〔2019〕13号"),
    ("国务院办公厅关于加快发展保障性租赁住房的意见", "国办发〔2021〕22号"),
    ("国务院关于进一步优化营商环境更好服务市场主体的实施意见", "国办发〔2020〕24号"),
    ("国务院办公厅关于推进养老服务发展的意见", "国办发〔2019〕5号"),
    ("国务院关于深化“证照分离”改革进一步激发市场主体发展活力的通知", "国发〔2021〕7号"),
    ("国务院关于加强数字政府建设的指导意见", "国发〔2022〕14号"),
    ("国务院办公厅关于切实做好稳就业工作的意见", "国办发〔2018〕130号"),
    ("国务院关于进一步加强城市规划建设管理工作的若干意见", "国发〔2016〕6号"),
    ("中共中央办公厅 国务院办公厅印发〈关于全面推进政务公开工作的意见〉", "中办发〔2016〕8号"),
    ("国务院办公厅关于建立健全基本公共服务标准体系的指导意见", "国办发〔2018〕7号"),
    ("国务院关于实施乡村振兴战略的意见", "中发〔2018〕1号"),
    ("国务院办公厅关于进一步加强农民工工资支付工作的意见", "国办发〔2016〕1号"),
    ("财政部关于进一步加强财政部门和预算单位资金存放管理的指导意见", "财库〔2017〕76号"),
    ("人力资源社会保障部关于做好失业保险稳岗返还工作有关问题的通知", "人社部发〔2019〕23号"),
    ("民政部关于进一步加强最低生活保障规范管理工作的通知", "民发〔2012〕45号"),
    ("住房城乡建设部关于加强公共租赁住房管理的通知", "建保〔2017〕150号"),
    ("教育部关于做好义务教育招生入学工作的通知", "教基〔2019〕10号"),
    ("国家医保局关于做好城乡居民基本医疗保障工作的通知", "医保发〔2021〕32号"),
]
PROVINCES = {
    "辽": "辽宁省",
    "湘": "湖南省",
    "粤": "广东省",
    "浙": "浙江省",
    "川": "四川省",
    "鄂": "湖北省",
    "苏": "江苏省",
    "鲁": "山东省",
    "豫": "河南省",
    "陕": "陕西省",
    "滇": "云南省",
    "黔": "贵州省",
    "桂": "广西壮族自治区",
    "皖": "安徽省",
    "闽": "福建省",
    "冀": "河北省",
}

# Policy topics: (topic, 主题分类). Titles, bodies and interpretations revolve around them.
TOPICS = [
    ("政务公开", "综合政务"),
    ("政府信息公开", "综合政务"),
    ("基层政务公开标准化规范化", "综合政务"),
    ("数字政府建设", "综合政务"),
    ("“一网通办”", "综合政务"),
    ("12345政务服务便民热线", "综合政务"),
    ("优化营商环境", "国民经济管理"),
    ("重点项目建设", "国民经济管理"),
    ("招商引资", "商贸、海关、旅游"),
    ("促进消费", "商贸、海关、旅游"),
    ("全域旅游", "商贸、海关、旅游"),
    ("预算公开", "财政、金融、审计"),
    ("政府债务管理", "财政、金融、审计"),
    ("惠民惠农财政补贴资金“一卡通”", "财政、金融、审计"),
    ("减税降费", "财政、金融、审计"),
    ("城镇老旧小区改造", "城乡建设、环境保护"),
    ("公共租赁住房", "城乡建设、环境保护"),
    ("保障性租赁住房", "城乡建设、环境保护"),
    ("农村危房改造", "城乡建设、环境保护"),
    ("生活垃圾分类", "城乡建设、环境保护"),
    ("大气污染防治", "城乡建设、环境保护"),
    ("河长制湖长制", "城乡建设、环境保护"),
    ("农村人居环境整治", "农业、林业、水利"),
    ("高标准农田建设", "农业、林业、水利"),
    ("乡村振兴", "农业、林业、水利"),
    ("耕地保护", "国土资源、能源"),
    ("不动产登记", "国土资源、能源"),
    ("森林防火", "农业、林业、水利"),
    ("防汛抗旱", "农业、林业、水利"),
    ("义务教育阶段招生入学", "教育"),
    ("学前教育", "教育"),
    ("中小学校课后服务", "教育"),
    ("城乡居民基本医疗保险", "卫生、体育"),
    ("家庭医生签约服务", "卫生、体育"),
    ("传染病防控", "卫生、体育"),
    ("最低生活保障", "民政、扶贫、救灾"),
    ("特困人员救助供养", "民政、扶贫、救灾"),
    ("临时救助", "民政、扶贫、救灾"),
    ("残疾人两项补贴", "民政、扶贫、救灾"),
    ("养老服务体系建设", "民政、扶贫、救灾"),
    ("创业担保贷款", "劳动、人事、监察"),
    ("稳就业", "劳动、人事、监察"),
    ("根治拖欠农民工工资", "劳动、人事、监察"),
    ("职业技能提升行动", "劳动、人事、监察"),
    ("城乡居民基本养老保险", "劳动、人事、监察"),
    ("食品安全", "市场监管、安全生产监管"),
    ("安全生产专项整治", "市场监管、安全生产监管"),
    ("消防安全", "市场监管、安全生产监管"),
    ("特种设备安全", "市场监管、安全生产监管"),
    ("“双随机、一公开”监管", "市场监管、安全生产监管"),
    ("道路交通安全", "公安、安全、司法"),
    ("法治政府建设", "公安、安全、司法"),
    ("行政执法公示", "公安、安全、司法"),
    ("公共文化服务体系建设", "文化、广电、新闻出版"),
    ("文物保护", "文化、广电、新闻出版"),
    ("退役军人服务保障", "民政、扶贫、救灾"),
    ("农村公路建设", "交通"),
    ("城市公共交通", "交通"),
    ("统计数据质量", "国民经济管理"),
    ("审计整改", "财政、金融、审计"),
]

DOC_KINDS = ["实施方案", "实施意见", "管理办法", "工作方案", "实施细则", "暂行办法", "行动计划", "工作要点", "若干措施"]
ACTIONS = ["进一步做好", "切实加强", "深入推进", "全面开展", "加快推进", "进一步规范", "扎实做好", "持续深化"]

# Sentences and phrases from real notices; {t} topic, {c} locality, {d} department, {y} year.
OPENINGS = [
    "为深入贯彻落实党中央、国务院决策部署，进一步做好{t}工作，经{c}人民政府同意，现就有关事项通知如下。",
    "为全面推进{t}工作，切实提高政府工作透明度，根据有关法律法规和上级文件精神，结合我{l}实际，制定本方案。",
    "按照省委、省政府工作部署，为加快推进{t}，不断增强人民群众获得感、幸福感、安全感，现提出如下意见。",
    "为规范{t}管理，保障人民群众合法权益，根据《中华人民共和国政府信息公开条例》等规定，结合本{l}实际，制定本办法。",
]
HEADINGS = [
    "总体要求",
    "工作目标",
    "主要任务",
    "重点工作",
    "实施步骤",
    "保障措施",
    "职责分工",
    "申请条件",
    "办理程序",
    "监督管理",
    "工作要求",
    "附则",
]
SENTENCES = [
    "坚持以人民为中心的发展思想，围绕{t}的重点领域和关键环节，着力解决群众反映强烈的突出问题。",
    "各{l}（区）人民政府、{c}政府各部门要高度重视{t}工作，切实加强组织领导，明确责任分工，确保各项任务落到实处。",
    "到{y}年底，{t}工作机制基本健全，制度体系更加完善，服务能力明显提升。",
    "{c}{d}负责统筹协调{t}工作，定期调度工作进展情况，及时研究解决工作中遇到的困难和问题。",
    "要通过政府门户网站、政务新媒体、新闻发布会等渠道，及时公开{t}相关政策文件、办事指南和工作进展。",
    "加强政策解读和舆论引导，对群众关心关注的热点问题及时回应，解疑释惑，营造良好社会氛围。",
    "建立健全考核评估机制，将{t}工作纳入年度绩效考核，对工作推进不力的单位予以通报。",
    "严格落实财政资金管理规定，专款专用，不得截留、挤占、挪用，自觉接受审计监督和社会监督。",
    "申请人应当如实提供身份证明、户籍证明、收入证明等材料，对材料的真实性负责。",
    "经审核符合条件的，在社区（村）进行公示，公示期为7天；公示无异议的，报{c}{d}审批。",
    "乡镇人民政府（街道办事处）负责受理辖区内的申请，并在15个工作日内完成初审。",
    "对弄虚作假、骗取补助资金的，一经查实，立即停止发放，追回已发放资金，并依法依规追究责任。",
    "推进{t}标准化、规范化建设，编制公开事项目录，统一公开标准和流程。",
    "充分发挥12345政务服务便民热线作用，畅通群众诉求渠道，及时受理、办理和反馈。",
    "加强基层工作人员业务培训，提升依法行政能力和服务水平。",
    "各有关单位要于每年6月30日和11月30日前向{c}{d}报送工作进展情况。",
    "深化“放管服”改革，持续优化办事流程，压缩办理时限，推动更多事项“一网通办”“最多跑一次”。",
    "加强部门协同和信息共享，依托全国一体化政务服务平台，实现数据互通、业务协同。",
    "对涉及群众切身利益的重大事项，要广泛听取社会公众意见，必要时组织召开听证会。",
    "各级财政部门要统筹安排资金，为{t}工作提供必要保障。",
    "开展{t}专项督查，对发现的问题建立台账，限期整改，实行销号管理。",
    "严格落实安全生产责任制，强化隐患排查治理，坚决防范和遏制重特大事故发生。",
    "坚持公开为常态、不公开为例外，依法依规做好政府信息主动公开和依申请公开工作。",
    "依申请公开的政府信息，行政机关应当自收到申请之日起20个工作日内予以答复。",
    "推动公共服务向农村延伸，促进城乡基本公共服务均等化。",
    "加大宣传力度，通过印发宣传手册、设置咨询台、进村入户等方式，提高政策知晓率。",
    "本{k}由{c}{d}负责解释。",
    "符合条件的城乡居民可按规定申请享受相关待遇，具体标准由{c}人民政府另行公布。",
    "各地要结合实际制定具体实施办法，细化工作措施，确保政策落地见效。",
    "健全完善投诉举报处理机制，对群众反映的问题做到件件有落实、事事有回音。",
    "在实体政务公开专区设置自助查询终端，方便群众查阅政府信息、申请公开和打印文件。",
    "落实首问负责、一次性告知和限时办结制度，提高办事效率。",
    "符合条件的困难家庭可按规定申请城乡低保、临时救助等社会救助，申请材料由社区（村）代为提交。",
    "进一步落实小微企业税费优惠政策，对符合条件的纳税人及时兑现退税。",
]
# Places and names that occur rarely, so benchmarks have rare terms next to very frequent ones.
RARE_PLACES = [
    "西柳镇",
    "牛庄镇",
    "腾鳌镇",
    "感王镇",
    "东四方台",
    "螺丝岭",
    "河上村",
    "水源镇",
    "上坪镇",
    "南万镇",
    "岭南村",
    "东坑镇",
    "旧岗村",
    "五马峰",
    "碧溪岭",
]
RARE_SENTENCES = [
    "{p}作为试点，先行先试，形成可复制可推广的经验。",
    "重点做好{p}片区的排查和整治工作。",
    "{p}养殖户和种植大户纳入重点帮扶对象。",
    "对{p}辖区内的困难群众开展入户走访。",
]


@dataclass(frozen=True)
class _Head:
    """What later documents need to know about an earlier one in order to cite or interpret it."""

    title: str
    doc_number: str | None
    issuer: str
    city: str
    issued: date
    is_policy: bool


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(f"kiosk-corpus:{seed}")
        self.serials: dict[tuple[str, int], int] = {}
        self.heads: list[_Head] = []
        self.weights = [w for _, _, w in DEPARTMENTS]

    def _date(self) -> date:
        rng = self.rng
        # More documents in recent years, as on real portals; none after mid-2026.
        year = min(2026, 2000 + int(26.99 * rng.random() ** 0.6))
        last = date(year, 6, 30) if year == 2026 else date(year, 12, 31)
        first = date(year, 1, 1)
        return first + timedelta(days=rng.randrange((last - first).days + 1))

    def _number(self, stem: str, year: int) -> str:
        serial = self.serials.get((stem, year), 0) + self.rng.randint(1, 4)
        self.serials[(stem, year)] = serial
        return f"{stem}〔{year}〕{serial}号"

    def _fill(self, template: str, **slots: str) -> str:
        return template.format(**slots)

    def _cite_previous(self) -> _Head | None:
        """A recent policy of this catalog (local documents cite nearby ones)."""
        if not self.heads:
            return None
        for _ in range(4):
            head = self.heads[max(0, len(self.heads) - 1 - int(self.rng.expovariate(1 / 400)))]
            if head.is_policy and head.doc_number:
                return head
        return None

    def document(self, index: int) -> DocumentRecord:
        rng = self.rng
        city, level, abbr, prov = LOCALITIES[rng.randrange(len(LOCALITIES))]
        issued = self._date()
        kind_roll = rng.random()
        if kind_roll < 0.08 and self.heads:
            record = self._interpretation(index)
            if record is not None:
                return record
        dept, stem, _ = rng.choices(DEPARTMENTS, weights=self.weights)[0]
        topic, category = TOPICS[rng.randrange(len(TOPICS))]
        issuer = f"{city}{dept}"
        short = level  # 本市 / 本县 / 本区
        slots = {"t": topic, "c": city, "d": dept, "l": short, "y": str(min(issued.year + 2, 2030)), "k": "办法"}
        doc_kind = rng.choice(DOC_KINDS)
        pattern = rng.random()
        if pattern < 0.35:
            title = f"{issuer}关于印发《{city}{topic}{doc_kind}》的通知"
            slots["k"] = doc_kind[-2:]
        elif pattern < 0.6:
            title = f"{issuer}关于{rng.choice(ACTIONS)}{topic}工作的通知"
        elif pattern < 0.75:
            title = f"{issuer}关于{topic}的{rng.choice(['实施意见', '指导意见', '若干意见'])}"
        elif pattern < 0.85:
            title = f"{city}{issued.year}年{topic}工作要点"
        elif pattern < 0.93:
            title = f"{issuer}关于公布{issued.year}年{topic}{rng.choice(['资金分配', '补助对象', '项目名单', '检查结果'])}的公告"
        else:
            title = f"{city}{topic}{doc_kind}"
        has_number = rng.random() < 0.85
        number = None
        if has_number:
            # Agency abbreviations: 海政办发 = 海 + 政办发; departments prefix the city character too.
            number = self._number(f"{abbr}{stem}", issued.year)
        body = self._body(rng, slots, city, prov, issuer, issued)
        validity = "有效"
        roll = rng.random()
        if roll < 0.03:
            validity = "废止"
        elif roll < 0.05:
            validity = "失效"
        elif roll < 0.06:
            validity = "修订"
        self.heads.append(_Head(title, number, issuer, city, issued, True))
        return DocumentRecord(
            id=f"g{index:07d}",
            title=title,
            doc_number=number,
            issuer=issuer,
            issued=issued,
            published=issued + timedelta(days=rng.randint(0, 10)),
            category=category,
            validity=validity,
            index_no=f"{rng.randrange(10**8, 10**9)}/{issued.year}-{index % 100000:05d}",
            body=body,
            source_url=f"https://www.example.gov.cn/zwgk/{issued.year}/{index:07d}.html",
        )

    def _body(self, rng: random.Random, slots: dict, city: str, prov: str, issuer: str, issued: date) -> str:
        parts = [f"各{slots['l']}（区）人民政府，{city}政府各部门、各直属机构："]
        opening = self._fill(rng.choice(OPENINGS), **slots)
        cites = []
        if rng.random() < 0.6:
            title, number = NATIONAL_DOCUMENTS[rng.randrange(len(NATIONAL_DOCUMENTS))]
            cites.append(f"《{title}》（{number}）")
        if rng.random() < 0.3:
            year = max(2000, issued.year - rng.randint(0, 3))
            cites.append(
                f"《{PROVINCES[prov]}人民政府办公厅关于{slots['t']}工作的通知》（{prov}政办发〔{year}〕{rng.randint(1, 90)}号）"
            )
        previous = self._cite_previous() if rng.random() < 0.35 else None
        if previous is not None:
            cites.append(f"《{previous.title}》（{previous.doc_number}）")
        if cites:
            opening = f"为贯彻落实{'和'.join(cites)}精神，" + opening.split("，", 1)[1]
        parts.append(opening)
        numerals = "一二三四五六七八"
        headings = rng.sample(HEADINGS[:-1], rng.randint(3, 5))
        length = sum(len(p) for p in parts)
        target = rng.randint(1200, 1800)
        section = 0
        while length < target and section < len(headings):
            heading = f"{numerals[section]}、{headings[section]}"
            parts.append(heading)
            for _ in range(rng.randint(2, 5)):
                sentences = [self._fill(rng.choice(SENTENCES), **slots) for _ in range(rng.randint(2, 4))]
                if rng.random() < 0.004:
                    sentences.append(rng.choice(RARE_SENTENCES).format(p=rng.choice(RARE_PLACES)))
                paragraph = "".join(sentences)
                parts.append(paragraph)
                length += len(paragraph) + len(heading)
            section += 1
        parts.append(f"本{slots['k']}自印发之日起施行。")
        parts.append(issuer)
        parts.append(f"{issued.year}年{issued.month}月{issued.day}日")
        return "\n".join(parts)

    def _interpretation(self, index: int) -> DocumentRecord | None:
        """A 解读 of an earlier policy, naming it by title and 文号 as portals do."""
        rng = self.rng
        policy = self._cite_previous()
        if policy is None:
            return None
        issued = min(policy.issued + timedelta(days=rng.randint(0, 20)), date(2026, 6, 30))
        style = rng.random()
        if style < 0.4:
            title = f"《{policy.title}》政策解读"
        elif style < 0.7:
            title = f"解读《{policy.title}》"
        else:
            title = f"一图读懂《{policy.title}》"
        topic = next((t for t, _ in TOPICS if t in policy.title), "政务公开")
        department = policy.issuer[len(policy.city) :]
        slots = {"t": topic, "c": policy.city, "d": department, "l": "市", "y": str(issued.year + 1), "k": "文件"}
        parts = [
            f"近日，{policy.issuer}印发了《{policy.title}》（{policy.doc_number}）（以下简称《通知》）。"
            "为便于社会公众全面了解文件内容，现就有关情况解读如下。",
            "一、出台背景",
            self._fill(rng.choice(SENTENCES), **slots) + self._fill(rng.choice(SENTENCES), **slots),
            "二、主要内容",
        ]
        for _ in range(rng.randint(4, 7)):
            parts.append("".join(self._fill(rng.choice(SENTENCES), **slots) for _ in range(rng.randint(2, 3))))
        parts.append("三、解读机关及联系方式")
        parts.append(f"解读机关：{policy.issuer}，咨询电话：0{rng.randint(100, 999)}-{rng.randint(1000000, 9999999)}。")
        record = DocumentRecord(
            id=f"g{index:07d}",
            title=title,
            doc_number=None,
            issuer=policy.issuer,
            issued=issued,
            published=issued,
            category="政策解读",
            validity="有效",
            index_no=None,
            body="\n".join(parts),
            source_url=f"https://www.example.gov.cn/zcjd/{issued.year}/{index:07d}.html",
        )
        self.heads.append(_Head(title, None, policy.issuer, policy.city, issued, False))
        return record


def generate_documents(n: int, seed: int = 0) -> Iterator[DocumentRecord]:
    """The first `n` documents of the catalog numbered `seed`; ids g0000000, g0000001, …"""
    generator = _Generator(seed)
    for index in range(n):
        yield generator.document(index)


def write_json_folder(path: Path, n: int, seed: int = 0, *, per_file: int = 1000) -> list[Path]:
    """Write the documents as `{"documents": [...]}` JSON files that `kiosk import` reads."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    batch: list[dict] = []

    def flush() -> None:
        target = path / f"documents-{len(written):05d}.json"
        target.write_text(json.dumps({"documents": batch}, ensure_ascii=False), encoding="utf-8")
        written.append(target)
        batch.clear()

    for record in generate_documents(n, seed):
        batch.append(record.to_dict())
        if len(batch) >= per_file:
            flush()
    if batch:
        flush()
    return written


def mutate(records: Sequence[DocumentRecord], k: int, seed: int = 0) -> list[DocumentRecord]:
    """`k` of `records` edited as a republished catalog would edit them (same ids, new content)."""
    rng = random.Random(f"kiosk-corpus-mutate:{seed}")
    chosen = rng.sample(range(len(records)), min(k, len(records)))
    changed = []
    for position in chosen:
        record = records[position]
        roll = rng.random()
        addition = f"\n补充说明：根据工作需要，{rng.choice(RARE_PLACES)}纳入{rng.choice(TOPICS)[0]}工作范围，自{record.issued.year if record.issued else 2024}年起执行。"
        if roll < 0.2:
            changed.append(
                replace(record, validity="废止" if record.validity == "有效" else "有效", body=record.body + addition)
            )
        elif roll < 0.4:
            changed.append(replace(record, title=record.title + "（修订）", body=record.body + addition))
        else:
            changed.append(replace(record, body=record.body + addition))
    return changed
