"""Demo data generator (called from demo/crm_unified_view_demo.xml only).

Builds a Chinese trading company with two years of customers, orders, invoices and payments, so
that the Customer 360 tab is populated right after install. Deterministic: a fixed random seed and
dates relative to today.
"""
import random
from datetime import datetime, time, timedelta

from stdnum.cn import uscc

from odoo import Command, api, fields, models

SEED = 360

# key: (city, state, zip, landline area code, administrative division code used in tax IDs, streets)
CITIES = {
    "BJ": ("北京市", "base.state_cn_BJ", "100020", "10", "110105", ["朝阳区建国路88号", "海淀区中关村大街27号", "朝阳区东三环北路38号"]),
    "SH": ("上海市", "base.state_cn_SH", "200040", "21", "310106", ["静安区南京西路1266号", "黄浦区淮海中路283号", "浦东新区世纪大道100号"]),
    "HZ": ("杭州市", "base.state_cn_ZJ", "310012", "571", "330106", ["西湖区文三路478号", "西湖区龙井路1号", "上城区延安路385号"]),
    "NB": ("宁波市", "base.state_cn_ZJ", "315000", "574", "330203", ["海曙区中山东路181号", "鄞州区江东北路317号"]),
    "GZ": ("广州市", "base.state_cn_GD", "510620", "20", "440106", ["天河区天河路385号", "越秀区环市东路339号", "天河区花城大道85号"]),
    "SZ": ("深圳市", "base.state_cn_GD", "518000", "755", "440305", ["南山区深南大道9988号", "南山区高新南七道18号", "前海深港合作区前海路1号"]),
    "NJ": ("南京市", "base.state_cn_JS", "210005", "25", "320106", ["鼓楼区中山路18号", "秦淮区汉中路89号"]),
    "SU": ("苏州市", "base.state_cn_JS", "215021", "512", "320505", ["工业园区苏州大道东265号", "姑苏区观前街28号"]),
    "CD": ("成都市", "base.state_cn_SC", "610041", "28", "510107", ["高新区天府大道北段1700号", "锦江区春熙路88号"]),
    "WH": ("武汉市", "base.state_cn_HB", "430074", "27", "420111", ["洪山区光谷大道77号", "武昌区中南路99号"]),
    "XM": ("厦门市", "base.state_cn_FJ", "361001", "592", "350203", ["思明区鹭江道8号", "思明区湖滨南路388号"]),
    "TJ": ("天津市", "base.state_cn_TJ", "300051", "22", "120101", ["和平区南京路189号", "滨海新区第二大街62号"]),
    "QD": ("青岛市", "base.state_cn_SD", "266071", "532", "370202", ["市南区香港中路61号", "崂山区崂山路56号"]),
    "XA": ("西安市", "base.state_cn_SN", "710061", "29", "610113", ["雁塔区高新路52号", "碑林区长安北路14号"]),
}

# category: [(name, code, price in CNY, type)]
PRODUCTS = {
    "茶叶": [
        ("西湖龙井 250g", "TEA-01", 368.0, "consu"), ("安溪铁观音 250g", "TEA-02", 198.0, "consu"),
        ("武夷山大红袍 200g", "TEA-03", 288.0, "consu"), ("云南普洱茶饼 357g", "TEA-04", 258.0, "consu"),
        ("福鼎白茶 300g", "TEA-05", 328.0, "consu"), ("祁门红茶 250g", "TEA-06", 168.0, "consu"),
    ],
    "茶具": [
        ("宜兴紫砂壶", "SET-01", 680.0, "consu"), ("青花瓷盖碗套装", "SET-02", 238.0, "consu"),
        ("玻璃公道杯", "SET-03", 58.0, "consu"), ("便携旅行茶具套装", "SET-04", 158.0, "consu"),
    ],
    "办公用品": [
        ("中性笔 12支装", "OFF-01", 24.0, "consu"), ("A4 复印纸 5包/箱", "OFF-02", 129.0, "consu"),
        ("真皮商务笔记本", "OFF-03", 88.0, "consu"), ("桌面文件收纳盒", "OFF-04", 36.0, "consu"),
    ],
    "节日礼品": [
        ("中秋月饼礼盒", "GFT-01", 298.0, "consu"), ("真丝围巾", "GFT-02", 368.0, "consu"),
        ("景泰蓝书签套装", "GFT-03", 128.0, "consu"), ("企业定制茶礼盒", "GFT-04", 588.0, "consu"),
    ],
    "企业服务": [
        ("企业茶艺培训（半天）", "SRV-01", 2800.0, "service"), ("礼品定制设计服务", "SRV-02", 1500.0, "service"),
        ("同城配送服务", "SRV-03", 50.0, "service"),
    ],
}

# Buying pattern: how many orders, over which window (days ago: oldest, newest).
PROFILES = {
    "frequent": ((12, 22), (730, 3)),
    "regular": ((5, 10), (700, 20)),
    "new": ((1, 3), (80, 2)),
    "dormant": ((3, 7), (720, 190)),
    "lost": ((2, 5), (730, 400)),
    "prospect": ((0, 0), (0, 0)),
}

# (name, city, industry, email domain, profile, contacts [(name, job, email handle)])
COMPANIES = [
    ("北京华辰科技有限公司", "BJ", "J", "huachen-tech.cn", "frequent", [("张丽", "行政主管", "zhangli"), ("赵磊", "采购专员", "zhaolei")]),
    ("上海浦江国际会展有限公司", "SH", "N", "pujiang-expo.cn", "frequent", [("陈晓燕", "采购经理", "chenxy")]),
    ("杭州龙井山茶业有限公司", "HZ", "G", "ljstea.com.cn", "regular", [("周建国", "总经理", "zhoujg")]),
    ("广州珠江酒店管理有限公司", "GZ", "I", "zjhotel.com.cn", "frequent", [("林小红", "餐饮部经理", "linxh"), ("黄志强", "采购主管", "huangzq")]),
    ("深圳前海环球进出口有限公司", "SZ", "G", "qh-global.com", "frequent", [("何嘉欣", "外贸经理", "hejx")]),
    ("南京金陵文化传媒有限公司", "NJ", "R", "jinling-media.cn", "regular", []),
    ("苏州博远电子有限公司", "SU", "C", "boyuan-elec.com.cn", "frequent", [("钱伟", "行政经理", "qianwei")]),
    ("成都锦城餐饮管理有限公司", "CD", "I", "jincheng-food.cn", "regular", [("杨帆", "店长", "yangfan")]),
    ("湖北长江律师事务所", "WH", "M", "cjlaw.cn", "regular", []),
    ("厦门鹭岛旅游发展有限公司", "XM", "N", "ludao-travel.cn", "dormant", []),
    ("天津滨海物流有限公司", "TJ", "H", "binhai-logistics.cn", "regular", [("孙强", "办公室主任", "sunqiang")]),
    ("青岛海韵贸易有限公司", "QD", "G", "haiyun-trade.cn", "lost", []),
    ("西安古城文化旅游有限公司", "XA", "R", "gucheng-tour.cn", "dormant", []),
    ("上海明德教育科技有限公司", "SH", "P", "mingde-edu.cn", "frequent", [("徐静", "行政主管", "xujing"), ("马超", "市场部经理", "machao")]),
    ("北京正和会计师事务所有限公司", "BJ", "M", "zhenghe-cpa.cn", "regular", []),
    ("杭州云栖网络科技有限公司", "HZ", "J", "yunqi-net.cn", "frequent", [("郑雨", "人事经理", "zhengyu")]),
    ("宁波港城五金制品有限公司", "NB", "C", "gangcheng-hw.cn", "lost", []),
    ("广州岭南医药有限公司", "GZ", "Q", "lingnan-med.cn", "regular", []),
    ("深圳南山创新投资有限公司", "SZ", "K", "nanshan-invest.cn", "new", []),
    ("苏州姑苏丝绸有限公司", "SU", "C", "gusu-silk.com.cn", "dormant", []),
    ("南京紫金山酒店有限公司", "NJ", "I", "zijin-hotel.cn", "regular", [("刘畅", "采购", "liuchang")]),
    ("成都天府物业管理有限公司", "CD", "L", "tianfu-pm.cn", "new", []),
    ("武汉光谷生物科技有限公司", "WH", "M", "guanggu-bio.cn", "dormant", []),
    ("上海静安商务咨询有限公司", "SH", "M", "jingan-consult.cn", "regular", []),
    ("北京朝阳国际旅行社有限公司", "BJ", "N", "cy-travel.cn", "lost", []),
    ("厦门海沧茶业有限公司", "XM", "G", "haicang-tea.cn", "regular", []),
    ("天津津门建筑设计院有限公司", "TJ", "F", "jinmen-design.cn", "prospect", []),
    ("青岛崂山矿泉饮品有限公司", "QD", "C", "laoshan-water.cn", "prospect", []),
    ("西安秦风广告有限公司", "XA", "M", "qinfeng-ad.cn", "new", []),
    ("深圳鹏城电子商务有限公司", "SZ", "G", "pengcheng-ec.cn", "prospect", []),
]

# (name, email, city, profile)
INDIVIDUALS = [
    ("王建华", "wangjh1978@163.com", "SH", "frequent"), ("李娜", "lina_sh@qq.com", "SH", "regular"),
    ("张伟", "zhangwei88@126.com", "BJ", "frequent"), ("刘洋", "liuyang.gz@163.com", "GZ", "regular"),
    ("陈静", "chenjing@foxmail.com", "HZ", "regular"), ("陈晶", "chenjing@foxmail.com", "HZ", "new"),
    ("杨柳", "yangliu@sina.com", "CD", "regular"), ("赵敏", "zhaomin@163.com", "NJ", "dormant"),
    ("黄磊", "huanglei_sz@qq.com", "SZ", "frequent"), ("周婷", "zhouting@126.com", "SU", "regular"),
    ("吴昊", "wuhao@outlook.com", "WH", "lost"), ("徐丽", "xuli1990@163.com", "SH", "regular"),
    ("孙悦", "sunyue@qq.com", "BJ", "new"), ("胡斌", "hubin@sina.com", "XM", "dormant"),
    ("朱琳", "zhulin.163.com", "SH", "regular"), ("高峰", "gaofeng@126.com", "TJ", "lost"),
    ("林芳", "linfang@qq.com", "XM", "regular"), ("何磊", "helei@163.com", "CD", "prospect"),
    ("郭静", "guojing@foxmail.com", "QD", "new"), ("马丽", "mali@163.com", "XA", "dormant"),
    ("罗刚", "luogang@qq.com", "WH", "regular"), ("梁晓", "liangxiao@126.com", "GZ", "prospect"),
    ("宋佳", "songjia@163.com", "BJ", "prospect"), ("唐亮", "tangliang@sina.com", "HZ", "lost"),
    ("韩雪", "hanxue@qq.com", "SH", "prospect"),
]

# Deliberate flaws so that the data-quality scores vary (陈静/陈晶 share an email: possible duplicate;
# 朱琳's email has no @).
FLAWS = {
    "厦门海沧茶业有限公司": {"email": "sales@haicang-tea"},  # no top-level domain
    "宁波港城五金制品有限公司": {"vat": "91330203144082375B"},  # check character should be A
    "罗刚": {"mobile": "+86 139 0271 558"},  # one digit short
    "宋佳": {"street": False, "city": False, "zip": False, "state_id": False},  # no address
}
USD_CUSTOMER = "深圳前海环球进出口有限公司"

LIFECYCLE = {
    "frequent": ["retention"], "regular": ["retention", "conversion"], "new": ["conversion", "first_contact"],
    "dormant": ["retention", "redevelopment"], "lost": ["redevelopment"], "prospect": ["prospect", "first_contact"],
}
LOYALTY = {"frequent": "high", "regular": "medium", "dormant": "low", "lost": "low"}
MOBILE_PREFIXES = ["139", "138", "136", "135", "158", "186", "189", "177", "199", "150"]
NOTES = [
    "电话回访：客户对上次订单满意，计划下季度追加采购。",
    "客户询问企业定制茶礼盒的起订量和交期。",
    "微信沟通：确认发票抬头和收货地址。",
    "客户反馈部分商品包装破损，已安排补发。",
    "拜访客户，介绍新到的福鼎白茶和茶艺培训服务。",
]
EMAILS = [
    ("询价：中秋礼品采购", "您好，请报价中秋月饼礼盒及企业定制茶礼盒，数量约100份。"),
    ("付款确认", "您好，上月发票款项已安排支付，请查收。"),
    ("订单咨询", "请问上周的订单什么时候发货？"),
]


# Complaints of the demo customers (see _generate_demo_complaints). "{order}" in a description
# becomes the customer's latest order of the product in the 90 days before the complaint, if any.
# messages: (days ago, kind, body) with kind "email" (from the customer), "reply" (to the customer)
# or "note" (internal); rating: (satisfaction 0-5, recommendation 0-10, comment) from the survey.
COMPLAINTS = [
    {
        "key": "mooncake_late", "customer": ("上海明德教育科技有限公司", "徐静"), "product": "GFT-01",
        "subject": "中秋月饼礼盒延迟送达，错过员工福利发放", "channel": "phone", "category": "delivery",
        "priority": "3", "stage": "closed", "days_ago": 70, "closed_days_ago": 62,
        "description": "<p>徐主管来电：公司给员工的 200 份中秋月饼礼盒{order}晚了两天才送达，"
                       "错过了节前的福利发放，员工意见很大。要求说明延迟原因并给出补偿方案。</p>",
        "resolution": "<p>原因：第三方物流在分拨中心积压，延迟两天送达。已退还全部运费，下次订单给予九折优惠；"
                      "该线路已更换物流供应商，节日订单改为提前一周发货。</p>",
        "messages": [
            (69, "note", "物流查询：货物在分拨中心滞留两天，承运商已书面确认是其责任。"),
            (66, "reply", "徐主管您好，这次延迟送达耽误了贵司的节日福利发放，我们深表歉意。补偿方案如下：退还本单全部运费，"
                          "贵司下次订单享受九折优惠。今后节日订单我们会提前一周发货，并在发货前与您确认物流安排。"),
            (62, "note", "客户接受补偿方案，运费已退回，结案。"),
        ],
        "rating": (2, 5, "希望以后节日订单能提前确认物流安排。"),
    },
    {
        "key": "refund_late", "customer": ("张伟", None), "product": "SET-02",
        "subject": "退货已寄回两周，退款还没到账", "channel": "phone", "category": "service",
        "priority": "1", "stage": "closed", "days_ago": 50, "closed_days_ago": 45,
        "description": "<p>客户来电：青花瓷盖碗套装{order}两周前已按流程寄回，快递显示已签收，但退款至今没有到账，"
                       "客服热线打了两次都说在处理。</p>",
        "resolution": "<p>财务核实：退款因客户银行账户信息有误被银行退回。已与客户重新确认账户并再次退款，客户确认已到账。</p>",
        "messages": [
            (49, "note", "财务反馈：退款被银行退回，原因是收款账户户名不符。"),
            (48, "reply", "张先生您好，经核实，您的退款因收款账户户名与银行记录不一致被退回。麻烦您确认一下收款账户，"
                          "我们收到后当天重新退款。给您添麻烦了，非常抱歉。"),
            (45, "note", "客户来电确认退款已到账。"),
        ],
        "rating": (3, 6, "退款是到了，但中间要自己打好几次电话催。"),
    },
    {
        "key": "teapot_broken", "customer": ("王建华", None), "product": "SET-01",
        "subject": "宜兴紫砂壶到货时壶盖碎裂", "channel": "web", "category": "delivery",
        "priority": "1", "stage": "resolved", "days_ago": 35, "closed_days_ago": 31,
        "description": "<p>今天收到的宜兴紫砂壶{order}壶盖碎成了两半，外箱有明显的挤压破损。这把壶是送人的礼物，"
                       "希望尽快换货。</p>",
        "resolution": "<p>快递外箱有明显挤压，属运输破损。已免费补发新壶（加固包装，次日达），破损件无需寄回，"
                      "已向快递公司索赔。</p>",
        "messages": [
            (34, "reply", "王先生您好，非常抱歉给您带来不便。新壶今天已经加固包装发出，预计明天送达，破损的壶不用寄回。"),
            (31, "note", "客户确认收到新壶，完好无损。"),
        ],
        "rating": (5, 9, "处理很快，新壶的包装也加固了，谢谢！"),
    },
    {
        "key": "white_tea_taste", "customer": ("李娜", None), "product": "TEA-05",
        "subject": "这次的福鼎白茶口感明显变淡", "channel": "email", "category": "product",
        "priority": "0", "stage": "resolved", "days_ago": 25, "closed_days_ago": 20,
        "description": "<p>你好，我一直在你们家买福鼎白茶，这次收到的茶叶{order}口感比以前淡很多，香气也弱，"
                       "是批次不一样还是储存出了问题？</p>",
        "resolution": "<p>质检复核：该批次为当年新茶，口感比存放多年的老白茶清淡，属正常差异，仓库储存条件合格。"
                      "已向客户说明，并赠送老白茶试饮装一份。</p>",
        "messages": [
            (25, "email", None),
            (23, "reply", "李女士您好，我们请质检复核了这一批次：这是今年的新茶，口感本来就比您之前买的存放了几年的白茶清淡，"
                          "储存条件也没有问题。我们给您寄了一份老白茶试饮装，您可以对比品尝。"),
            (20, "note", "试饮装已签收，客户表示理解。满意度调查已发送。"),
        ],
        "survey_sent": True,
    },
    {
        "key": "courier_attitude", "customer": ("成都锦城餐饮管理有限公司", "杨帆"), "product": None,
        "subject": "配送员态度差，货物放在门口无人签收", "channel": "visit", "category": "delivery",
        "priority": "1", "stage": "resolved", "days_ago": 15, "closed_days_ago": 12,
        "description": "<p>杨店长到店反映：上周的配送员没有打电话通知，直接把十箱货放在餐厅后门口就走了，"
                       "店员提出异议时态度很差。货物差点被当成垃圾清走。</p>",
        "resolution": "<p>已向配送服务商反馈，更换该片区配送员；今后到货前一小时电话通知门店，当面签收。</p>",
        "messages": [
            (14, "note", "已联系配送服务商，对方确认配送员未按规定电话通知，已调离该片区。"),
            (12, "reply", "杨店长您好，感谢您的反馈。我们已更换负责贵店片区的配送员，今后每次送货前一小时都会电话通知门店，当面签收。"),
        ],
        "rating": (4, 8, ""),
    },
    {
        "key": "paper_damp", "customer": ("苏州博远电子有限公司", "钱伟"), "product": "OFF-02",
        "subject": "A4 复印纸受潮，打印频繁卡纸", "channel": "email", "category": "product",
        "priority": "0", "stage": "in_progress", "days_ago": 9,
        "description": "<p>你好，上次送来的 A4 复印纸{order}有三箱受潮发软，打印时频繁卡纸，影响整个办公室。"
                       "请安排换货。</p><p>钱伟 博远电子行政部</p>",
        "messages": [
            (9, "email", None),
            (8, "reply", "钱经理您好，麻烦拍几张受潮纸箱和箱上批次标签的照片发给我们，我们核实后安排上门换货。"),
            (7, "email", "照片已发，共三箱，批次号都是同一个。"),
            (6, "note", "仓库核实同批次另有 20 箱在库，已暂停出库待检。已约周四上门换货。"),
        ],
        "activity": ("上门换货后回访钱经理", 2),
    },
    {
        "key": "tea_damp", "customer": ("广州珠江酒店管理有限公司", "林小红"), "product": "TEA-01",
        "subject": "西湖龙井受潮结块，要求换货", "channel": "phone", "category": "product",
        "priority": "2", "stage": "in_progress", "days_ago": 6,
        "description": "<p>林经理来电：最近一批西湖龙井{order}中有六盒受潮结块，开封后有明显霉味，无法用于酒店茶歇。"
                       "客户要求尽快换货，并询问到货后应该怎样储存。</p>",
        "messages": [
            (6, "note", "电话记录：客户下周有会议接待，需要在周五前到货。已承诺两个工作日内答复。"),
            (5, "note", "仓库复查同批次库存，发现两箱包装密封不良，已下架送检。"),
        ],
        "activity": ("回电林经理确认换货数量和送货时间", -2),
    },
    {
        "key": "invoice_tax_id", "customer": ("北京华辰科技有限公司", "赵磊"), "product": None,
        "subject": "增值税专用发票税号有误，无法抵扣", "channel": "email", "category": "service",
        "priority": "1", "stage": "waiting", "days_ago": 4,
        "description": "<p>您好，贵司上月开具的增值税专用发票{order}上，我司的纳税人识别号错了一位，财务无法认证抵扣。"
                       "请作废后重新开具。</p><p>赵磊 华辰科技采购部</p>",
        "messages": [
            (4, "email", None),
            (3, "reply", "赵先生您好，已收到。为避免再次出错，请把贵司完整的开票信息（公司名称、纳税人识别号、地址电话、"
                         "开户行及账号）发给我们，收到后三个工作日内重新开具。"),
            (3, "note", "已通知财务作废原发票，等待客户提供开票信息。"),
        ],
    },
    {
        "key": "discount_mismatch", "customer": ("杭州云栖网络科技有限公司", "郑雨"), "product": "SRV-01",
        "subject": "结算价格与报价单上的折扣不一致", "channel": "email", "category": "service",
        "priority": "1", "stage": "in_progress", "days_ago": 2,
        "description": "<p>你好，我们上个月订的企业茶艺培训{order}，报价单上写的是 85 折，结算时却只按 9 折计算。"
                       "请核实并说明原因。</p><p>郑雨</p>",
        "messages": [
            (2, "email", None),
            (1, "note", "销售确认：报价单上的 15% 折扣超出权限，尚未经销售总监审批。已提交审批，通过后退还差额。"),
        ],
        "activity": ("跟进折扣审批结果并答复客户", 1),
    },
    {
        "key": "export_certificate", "customer": ("深圳前海环球进出口有限公司", "何嘉欣"), "product": "TEA-02",
        "subject": "出口马来西亚的铁观音能否提供原产地证书？", "channel": "email", "category": "service",
        "priority": "0", "stage": "new", "days_ago": 1.3,
        "description": "<p>您好，我们向贵司采购的一批安溪铁观音{order}准备出口到马来西亚，当地进口商要求提供原产地证书和检验检疫证明。"
                       "请问贵司能否协助办理？大概需要多长时间，费用怎么算？</p><p>何嘉欣 前海环球外贸部</p>",
        "messages": [(1.3, "email", None)],
        "reply_overdue": True,
    },
    {
        "key": "wrong_item", "customer": ("陈静", None), "product": "GFT-02", "user": False,
        "subject": "订的是真丝围巾，收到的是景泰蓝书签", "channel": "web", "category": "delivery",
        "priority": "0", "stage": "new", "days_ago": 0.2,
        "description": "<p>我订的是真丝围巾{order}，今天收到的却是一套景泰蓝书签，是不是发错了？围巾是下周要送人的，"
                       "麻烦尽快换货。发错的书签要怎么寄回？</p>",
    },
]

class CrmCustomerDemo(models.AbstractModel):
    _name = "crm.customer.demo"
    _description = "Customer 360 Demo Data"

    @api.model
    def _generate_demo_data(self):
        """Create the demo company with its customers and two years of sales and accounting."""
        if self.env.ref("crm_unified_view.demo_company", raise_if_not_found=False):
            return True
        rng = random.Random(SEED)
        company = self._demo_company(rng)
        # tracking_disable: no chatter messages or followers for generated records (and much faster)
        self = self.with_company(company).with_context(tracking_disable=True)
        products = self._demo_products()
        customers = self._demo_customers(rng, company)
        orders = self._demo_orders(rng, company, customers, products)
        invoices = self._demo_invoices(rng, orders)
        self._demo_payments(rng, invoices, customers)
        self._demo_messages(rng, customers)
        self.env["res.partner"].search([])._recompute_data_quality()
        return True

    # -------------------------------------------------------------------------
    # Company, products, customers
    # -------------------------------------------------------------------------
    @api.model
    def _demo_company(self, rng):
        cny, usd = self.env.ref("base.CNY"), self.env.ref("base.USD")
        (cny + usd).active = True
        china = self.env.ref("base.cn")
        # chart_template_load: no automatic install of l10n_cn (it would commit), we load the generic chart.
        Company = self.env["res.company"].with_context(chart_template_load=True)
        # No call to the partner autocomplete service (auto-installed, needs internet) for a demo company.
        no_enrich = {"iap_enrich_auto_done": True} if "iap_enrich_auto_done" in Company._fields else {}
        company = Company.create({
            **no_enrich,
            "name": "上海云杉贸易有限公司",
            "currency_id": cny.id,
            "country_id": china.id,
            "state_id": self.env.ref("base.state_cn_SH").id,
            "city": "上海市",
            "street": "静安区南京西路1788号",
            "street2": "国际会所12楼",
            "zip": "200040",
            "phone": "+86 21 6288 1788",
            "email": "service@yunshan-trade.cn",
            "website": "https://www.yunshan-trade.cn",
            "vat": _uscc(rng, "310106"),
        })
        self.env["ir.model.data"]._update_xmlids(
            [{"xml_id": "crm_unified_view.demo_company", "record": company, "noupdate": True}])
        # _load rather than try_loading: try_loading warns when called during a module install.
        self.env["account.chart.template"]._load("generic_coa", company, install_demo=False)
        # The generic chart is American: make the company Chinese again, with China's 13% VAT.
        company.write({"currency_id": cny.id, "account_fiscal_country_id": china.id})
        generic_tax = company.account_sale_tax_id
        vat_group = generic_tax.tax_group_id.copy({"name": "增值税", "country_id": china.id})
        company.account_sale_tax_id = generic_tax.copy({
            "name": "增值税 13%", "invoice_label": "13%", "amount": 13.0,
            "country_id": china.id, "tax_group_id": vat_group.id,
        })
        # USD per CNY, month by month over the period, so that the USD orders need conversion.
        today, rate = fields.Date.today(), 0.1370
        rates = []
        for months_ago in range(25, -1, -1):
            rate += rng.uniform(-0.0015, 0.0015)
            rates.append({"currency_id": usd.id, "company_id": company.id, "rate": round(rate, 6),
                          "name": today.replace(day=1) - timedelta(days=30 * months_ago)})
        self.env["res.currency.rate"].create(rates)
        admin = self.env.ref("base.user_admin")
        admin.write({"company_ids": [Command.link(company.id)], "company_id": company.id})
        return company

    @api.model
    def _demo_products(self):
        parent = self.env.ref("product.product_category_all")
        templates = []
        for categ_name, items in PRODUCTS.items():
            categ = self.env["product.category"].create({"name": categ_name, "parent_id": parent.id})
            templates += [{
                "name": name, "default_code": code, "list_price": price, "standard_price": round(price * 0.55, 2),
                "type": ptype, "categ_id": categ.id, "sale_ok": True, "purchase_ok": ptype == "consu",
                "invoice_policy": "order", "company_id": self.env.company.id,
            } for name, code, price, ptype in items]
        return self.env["product.template"].create(templates).product_variant_id

    @api.model
    def _demo_customers(self, rng, company):
        """Companies (some with contacts) and individuals; returns {commercial partner: profile}."""
        Partner = self.env["res.partner"]
        today = fields.Date.today()
        term_30 = self.env.ref("account.account_payment_term_30days")
        term_45 = self.env.ref("account.account_payment_term_45days")
        immediate = self.env.ref("account.account_payment_term_immediate")
        base_vals = {"country_id": self.env.ref("base.cn").id, "company_id": company.id, "customer_rank": 1}

        def address(city_key):
            city, state, zip_code, _area, _division, streets = CITIES[city_key]
            return {"city": city, "state_id": self.env.ref(state).id, "zip": zip_code, "street": rng.choice(streets)}

        def customer_360(profile):
            """The addon's descriptive fields: filled for some customers only, as in real life."""
            vals = {
                "lifecycle_stage": rng.choice(LIFECYCLE[profile]) if rng.random() < 0.8 else False,
                "loyalty_level": LOYALTY.get(profile, False) if rng.random() < 0.7 else False,
                "preferred_contact_channel": rng.choice(["wechat", "wechat", "phone", "email", "visit", False]),
            }
            if rng.random() < 0.6:
                low = 3.5 if profile in ("frequent", "regular") else 1.5
                vals["satisfaction_score"] = round(rng.uniform(low, 5.0), 1)
            verified = rng.random()
            if verified < 0.35:
                vals["date_last_verified"] = today - timedelta(days=rng.randint(5, 300))
            elif verified < 0.55:
                vals["date_last_verified"] = today - timedelta(days=rng.randint(400, 1100))
            return vals

        company_vals, individual_vals = [], []
        for name, city_key, industry, domain, profile, _contacts in COMPANIES:
            area, division = CITIES[city_key][3], CITIES[city_key][4]
            digits = 7 if area == "592" else 8  # Xiamen numbers are one digit shorter
            landline = str(rng.randint(5, 8)) + "".join(str(rng.randint(0, 9)) for _ in range(digits - 1))
            company_vals.append({
                **base_vals, **address(city_key), **customer_360(profile),
                "name": name, "is_company": True, "vat": _uscc(rng, division),
                "email": f"{rng.choice(['info', 'sales', 'office'])}@{domain}",
                "phone": f"+86 {area} {landline[:4]} {landline[4:]}",
                "website": f"https://www.{domain}" if rng.random() < 0.6 else False,
                "industry_id": self.env.ref(f"base.res_partner_industry_{industry}").id,
                "property_payment_term_id": rng.choice([term_30, term_30, term_45]).id,
                **FLAWS.get(name, {}),
            })
        for name, email, city_key, profile in INDIVIDUALS:
            individual_vals.append({
                **base_vals, **address(city_key), **customer_360(profile),
                "name": name, "email": email, "mobile": _mobile(rng),
                "property_payment_term_id": immediate.id,
                **FLAWS.get(name, {}),
            })
        companies = Partner.create(company_vals)
        individuals = Partner.create(individual_vals)
        Partner.create([{
            "name": contact, "function": job, "parent_id": partner.id, "type": "contact",
            "email": f"{handle}@{domain}", "mobile": _mobile(rng), "company_id": company.id,
        } for partner, (_n, _c, _i, domain, _p, contacts) in zip(companies, COMPANIES)
            for contact, job, handle in contacts])
        usd_pricelist = self.env["product.pricelist"].create({
            "name": "出口价格表 (USD)", "currency_id": self.env.ref("base.USD").id, "company_id": company.id})
        companies.filtered(lambda p: p.name == USD_CUSTOMER).property_product_pricelist = usd_pricelist
        profiles = [row[4] for row in COMPANIES] + [row[3] for row in INDIVIDUALS]
        return dict(zip(companies + individuals, profiles))

    # -------------------------------------------------------------------------
    # Sales and accounting
    # -------------------------------------------------------------------------
    @api.model
    def _demo_orders(self, rng, company, customers, products):
        """Orders of each customer over its profile's window; returns the confirmed orders by date."""
        cny_pricelist = self.env["product.pricelist"].create({
            "name": "标准价格表", "currency_id": company.currency_id.id, "company_id": company.id, "sequence": 1})
        admin = self.env.ref("base.user_admin")
        now = fields.Datetime.now()
        by_category = {}
        for product in products:
            by_category.setdefault(product.categ_id.name, []).append(product)
        rows = []  # (state, values)
        for partner, profile in customers.items():
            (low, high), (oldest, newest) = PROFILES[profile]
            days = sorted((rng.randint(newest, oldest) for _i in range(rng.randint(low, high))), reverse=True)
            if days:  # the last order sets the customer status: keep it close to the window's end
                days[-1] = rng.randint(newest, newest + 25)
            # A few favourite categories per customer, so that top products differ.
            if partner.is_company:
                favourites = rng.sample(["茶叶", "茶具", "办公用品", "节日礼品", "企业服务"], 3)
            else:
                favourites = rng.sample(["茶叶", "茶具", "节日礼品"], 2)
            buyers = partner | partner.child_ids
            pricelist = partner.property_product_pricelist if partner.name == USD_CUSTOMER else cny_pricelist
            for index, day in enumerate(days):
                state, roll = "sale", rng.random()
                if index < len(days) - 1 and roll < 0.03:
                    state = "cancel"
                elif index < len(days) - 1 and roll < 0.06 and day < 30:
                    state = "draft"  # a quotation still open
                lines = []
                for categ in rng.sample(favourites, rng.randint(1, len(favourites))):
                    product = rng.choice(by_category[categ])
                    if product.type == "service":
                        qty = 1
                    elif partner.is_company:
                        qty = rng.choice([5, 10, 10, 20, 30, 50])
                    else:
                        qty = rng.randint(1, 3)
                    lines.append(Command.create({
                        "product_id": product.id, "product_uom_qty": qty,
                        "discount": rng.choice([0, 0, 0, 5, 10]) if partner.is_company else 0,
                    }))
                date_order = datetime.combine(
                    now.date() - timedelta(days=day), time(rng.randint(1, 9), rng.randint(0, 59)))
                rows.append((state, {
                    "partner_id": rng.choice(buyers).id if rng.random() < 0.4 else partner.id,
                    "company_id": company.id, "user_id": admin.id, "pricelist_id": pricelist.id,
                    "date_order": date_order, "order_line": lines,
                    "client_order_ref": partner.is_company and f"PO-{date_order:%Y%m}-{rng.randint(100, 999)}",
                }))
        # Prospects: a couple of open quotations.
        for partner in [p for p, profile in customers.items() if profile == "prospect"][:3]:
            rows.append(("draft", {
                "partner_id": partner.id, "company_id": company.id, "user_id": admin.id,
                "pricelist_id": cny_pricelist.id, "date_order": now - timedelta(days=rng.randint(1, 20)),
                "order_line": [Command.create({"product_id": rng.choice(products).id, "product_uom_qty": 10})],
            }))
        rows.sort(key=lambda row: row[1]["date_order"])  # order numbers follow the dates
        orders = self.env["sale.order"].create([vals for _state, vals in rows])
        by_state = {state: orders.browse([o.id for o, (s, _v) in zip(orders, rows) if s == state])
                    for state in ("sale", "cancel")}
        confirmed = by_state["sale"]
        confirmed.action_confirm()
        by_state["cancel"]._action_cancel()
        # Confirmation stamps today's date: put the orders back in the past.
        for order, (_state, vals) in zip(orders, rows):
            order.date_order = vals["date_order"]
        return confirmed.sorted("date_order")

    @api.model
    def _demo_invoices(self, rng, orders):
        """Invoice the orders (except the last few days') a few days after the order; post them."""
        today = fields.Date.today()
        # What sale.order._create_invoices() does, with the invoice date set at creation: writing it
        # afterwards on each invoice would take as long again.
        vals_list = []
        for order in orders.filtered(lambda o: o.date_order.date() < today - timedelta(days=3)):
            vals = order._prepare_invoice()
            vals["invoice_date"] = min(order.date_order.date() + timedelta(days=rng.randint(0, 5)), today)
            vals["invoice_line_ids"] = [
                Command.create(line._prepare_invoice_line(sequence=line.sequence)) for line in order.order_line]
            vals_list.append(vals)
        invoices = self.env["account.move"].create(vals_list)
        invoices = invoices.sorted(lambda move: (move.invoice_date, move.id))
        invoices.action_post()
        # Credit notes: goods returned (whole invoice) and a quality complaint (part of one line).
        older = invoices.filtered(lambda m: m.invoice_date < today - timedelta(days=90)
                                  and m.commercial_partner_id.is_company)
        returned, damaged = rng.sample(list(older), 2)
        return_date, refund_date = returned.invoice_date + timedelta(days=10), damaged.invoice_date + timedelta(days=7)
        returned._reverse_moves(
            [{"invoice_date": return_date, "date": return_date, "ref": f"退货：{returned.name}"}], cancel=True)
        refund = damaged._reverse_moves(
            [{"invoice_date": refund_date, "date": refund_date, "ref": f"质量折让：{damaged.name}"}])
        line = refund.invoice_line_ids[0]
        refund.invoice_line_ids = [Command.update(line.id, {"quantity": max(line.quantity // 5, 1)})] + [
            Command.delete(other.id) for other in refund.invoice_line_ids[1:]]
        refund.action_post()
        (damaged + refund).line_ids.filtered(
            lambda l: l.account_id.account_type == "asset_receivable" and not l.reconciled).reconcile()
        return invoices - returned

    @api.model
    def _demo_payments(self, rng, invoices, customers):
        """Pay the invoices in each customer's habit: on time, late, or late and not always.

        Payments are created, posted and reconciled in batch (the payment wizard, one invoice at a
        time, would take minutes).
        """
        today = fields.Date.today()
        habits = {partner: rng.choice(["on_time", "on_time", "on_time", "late", "late", "slow"])
                  for partner in customers}
        plan = []  # (payment date, invoice)
        for invoice in invoices:
            habit = habits[invoice.commercial_partner_id]
            due = invoice.invoice_date_due
            if habit == "on_time":
                pay_date = invoice.invoice_date + timedelta(days=rng.randint(0, (due - invoice.invoice_date).days))
            else:
                pay_date = due + timedelta(days=rng.randint(5, 45) if habit == "late" else rng.randint(20, 90))
                if habit == "slow" and rng.random() < 0.3:
                    continue  # never paid: overdue
            if pay_date > today:
                continue  # not paid yet
            plan.append((pay_date, invoice))
        plan.sort(key=lambda item: (item[0], item[1].id))
        payments = self.env["account.payment"].create([{
            "payment_type": "inbound", "partner_type": "customer", "partner_id": invoice.commercial_partner_id.id,
            "amount": invoice.amount_residual, "currency_id": invoice.currency_id.id, "date": pay_date,
            "memo": invoice.name, "invoice_ids": [Command.link(invoice.id)],
        } for pay_date, invoice in plan])
        payments.action_post()
        self.env["account.move.line"]._reconcile_plan([
            (payment.move_id.line_ids + invoice.line_ids).filtered(
                lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled)
            for payment, (_date, invoice) in zip(payments, plan)
        ])

    @api.model
    def _demo_messages(self, rng, customers):
        """Emails from customers and notes after calls, so that 'Last contact' is filled for most."""
        comment = self.env.ref("mail.mt_comment")
        admin_partner = self.env.ref("base.partner_admin")
        now = fields.Datetime.now()
        messages = []
        for partner in customers:
            for _i in range(rng.choice([0, 0, 1, 1, 2, 3])):
                date = now - timedelta(days=rng.randint(1, 400), hours=rng.randint(0, 8))
                if rng.random() < 0.5 and partner.email:
                    subject, body = rng.choice(EMAILS)
                    messages.append({"model": "res.partner", "res_id": partner.id, "message_type": "email",
                                     "author_id": partner.id, "email_from": partner.email, "subject": subject,
                                     "body": body, "date": date})
                else:
                    messages.append({"model": "res.partner", "res_id": partner.id, "message_type": "comment",
                                     "subtype_id": comment.id, "author_id": admin_partner.id,
                                     "body": rng.choice(NOTES), "date": date})
        self.env["mail.message"].create(messages)


    # -------------------------------------------------------------------------
    # Complaints (called from demo/crm_complaint_demo.xml, after the knowledge articles)
    # -------------------------------------------------------------------------
    @api.model
    def _generate_demo_complaints(self):
        """Complaints of the demo customers at every stage, with their chatter, activities,
        reply clocks and satisfaction surveys."""
        company = self.env.ref("crm_unified_view.demo_company", raise_if_not_found=False)
        if not company or self.env.ref("crm_unified_view.demo_complaint_wrong_item", raise_if_not_found=False):
            return True
        self = self.with_company(company).with_context(tracking_disable=True, mail_activity_quick_update=True)
        Partner = self.env["res.partner"]
        admin = self.env.ref("base.user_admin")
        now = fields.Datetime.now()
        products = {product.default_code: product for product in self.env["product.product"].search(
            [("default_code", "in", [spec["product"] for spec in COMPLAINTS if spec["product"]]),
             ("company_id", "=", company.id)])}
        complaints = self.env["crm.complaint"]
        for spec in sorted(COMPLAINTS, key=lambda spec: -spec["days_ago"]):  # numbers follow the dates
            name, contact = spec["customer"]
            customer = Partner.search([("name", "=", name), ("company_id", "=", company.id)], limit=1)
            if contact:
                customer = Partner.search([("name", "=", contact), ("parent_id", "=", customer.id)], limit=1) or customer
            product = products.get(spec["product"], self.env["product.product"])
            received = now - timedelta(days=spec["days_ago"])
            order = self.env["sale.order"].search([
                ("partner_id", "child_of", customer.commercial_partner_id.id), ("state", "=", "sale"),
                ("date_order", "<=", received), ("date_order", ">=", received - timedelta(days=90)),
                *([("order_line.product_id", "=", product.id)] if product else []),
            ], order="date_order desc", limit=1)
            complaint = complaints.create({
                "subject": spec["subject"],
                "partner_id": customer.id,
                "channel": spec["channel"],
                "date_received": received,
                "description": spec["description"].format(order=f"（订单 {order.name}）" if order else ""),
                "category_id": self.env.ref(f"crm_unified_view.crm_complaint_category_{spec['category']}").id,
                "product_id": product.id,
                "priority": spec["priority"],
                "stage_id": self.env.ref(f"crm_unified_view.crm_complaint_stage_{spec['stage']}").id,
                "user_id": admin.id if spec.get("user", True) else False,
                "resolution": spec.get("resolution"),
                "company_id": company.id,
            })
            self.env["ir.model.data"]._update_xmlids([{
                "xml_id": f"crm_unified_view.demo_complaint_{spec['key']}", "record": complaint, "noupdate": True}])
            if spec.get("closed_days_ago"):
                complaint.date_closed = now - timedelta(days=spec["closed_days_ago"])
            self._demo_complaint_chatter(complaint, spec, admin)
            if spec.get("rating"):
                self._demo_complaint_survey(complaint, spec["rating"], now - timedelta(days=spec["closed_days_ago"] - 1))
            elif spec.get("survey_sent"):
                complaint.survey_sent = True
            if spec.get("activity"):
                summary, days = spec["activity"]
                complaint.activity_schedule(
                    "mail.mail_activity_data_todo", date_deadline=fields.Date.context_today(self) + timedelta(days=days),
                    summary=summary, user_id=admin.id)
            complaints |= complaint
        return True

    @api.model
    def _demo_complaint_chatter(self, complaint, spec, admin):
        """Customer emails, replies and notes; a reply clock for each customer email."""
        comment, note = self.env.ref("mail.mt_comment"), self.env.ref("mail.mt_note")
        customer, now = complaint.partner_id, fields.Datetime.now()
        Clock = self.env["crm.reply.clock"]
        for days_ago, kind, body in spec.get("messages", []):
            date = now - timedelta(days=days_ago)
            if kind == "email":
                message = self.env["mail.message"].create({
                    "model": complaint._name, "res_id": complaint.id, "message_type": "email",
                    "subtype_id": comment.id, "author_id": customer.id, "email_from": customer.email,
                    "subject": complaint.subject, "body": body or complaint.description, "date": date,
                })
                Clock._start(complaint, message, customer, complaint.user_id, complaint.company_id)
                if not complaint.reply_rule_id:
                    rule = self.env["crm.reply.rule"]._match(
                        complaint._name, message.body, message.subject, company=complaint.company_id)
                    if rule:
                        complaint.write({"reply_rule_id": rule.id, "suggested_template_id": rule.template_id.id})
            else:
                self.env["mail.message"].create({
                    "model": complaint._name, "res_id": complaint.id, "message_type": "comment",
                    "subtype_id": (comment if kind == "reply" else note).id, "author_id": admin.partner_id.id,
                    "body": body, "date": date, "partner_ids": customer.ids if kind == "reply" else [],
                })
                if kind == "reply":
                    Clock._waiting(complaint).write({"state": "replied", "date_replied": date, "replied_by_id": admin.id})
        if spec.get("reply_overdue"):
            Clock._waiting(complaint)._raise_alarm()

    @api.model
    def _demo_complaint_survey(self, complaint, rating, date):
        """The customer's answer to the satisfaction survey: sets the complaint's rating."""
        satisfaction, recommendation, remark = rating
        survey = complaint._complaint_survey()
        answer = survey.sudo()._create_answer(
            partner=complaint.partner_id, check_attempts=False, complaint_id=complaint.id)
        for question in survey.question_ids:
            value = {"satisfaction": satisfaction, "loyalty": recommendation}.get(question.cuv_measure, remark)
            if value != "":
                answer._save_lines(question, str(value))
        answer._mark_done()
        answer.write({"start_datetime": date, "end_datetime": date})
        complaint.survey_sent = True


def _mobile(rng):
    return f"+86 {rng.choice(MOBILE_PREFIXES)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"


def _uscc(rng, division):
    """A valid unified social credit code (统一社会信用代码) of a company registered in ``division``."""
    digits = [rng.randint(0, 9) for _i in range(8)]
    check = 11 - sum(d * w for d, w in zip(digits, (3, 7, 9, 10, 5, 8, 4, 2))) % 11
    organization = "".join(map(str, digits)) + {10: "X", 11: "0"}.get(check, str(check))
    code = f"91{division}{organization}"
    return code + uscc.calc_check_digit(code)
