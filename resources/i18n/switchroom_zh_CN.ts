<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>AckDialog</name>
    <message>
        <location filename="../../widgets/alarms/dialogs.py" line="29" />
        <source>Acknowledge alarms</source>
        <extracomment>Shelving durations offered, in minutes.</extracomment>
        <translation>确认报警</translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/alarms/dialogs.py" line="33" />
        <source>… and %n more</source>
        <translation><numerusform>……以及另外 %n 条</numerusform></translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/dialogs.py" line="39" />
        <source>Optional: what was done or found</source>
        <translation>可选：处理情况或发现</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/dialogs.py" line="40" />
        <source>Comment:</source>
        <translation>备注：</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/dialogs.py" line="43" />
        <source>Acknowledge</source>
        <translation>确认</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/dialogs.py" line="44" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>AlarmBanner</name>
    <message>
        <location filename="../../widgets/alarms/banner.py" line="180" />
        <source>value %1</source>
        <translation>值 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/banner.py" line="182" />
        <source>(flood)</source>
        <translation>（报警风暴）</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/banner.py" line="191" />
        <source>No active alarms</source>
        <translation>无活动报警</translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/alarms/banner.py" line="193" />
        <source>Active alarms: %n, all acknowledged</source>
        <translation><numerusform>活动报警 %n 条，均已确认</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/alarms/banner.py" line="195" />
        <source>Unacknowledged: %n</source>
        <translation><numerusform>未确认报警：%n 条</numerusform></translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/banner.py" line="224" />
        <source>Alarm flood: %1 alarms (%2); first out %3 %4</source>
        <translation>报警风暴：%1 条（%2）；首发 %3 %4</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/banner.py" line="238" />
        <source>Muted %1 (unmute)</source>
        <translation>已静音 %1（取消静音）</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/banner.py" line="240" />
        <source>Mute</source>
        <translation>静音</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/banner.py" line="263" />
        <source>Acknowledge…</source>
        <translation>确认…</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/banner.py" line="265" />
        <source>Open trend of %1</source>
        <translation>打开 %1 的趋势</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/banner.py" line="276" />
        <source>Alarm list</source>
        <translation>报警列表</translation>
    </message>
</context>
<context>
    <name>AlarmCameraPopup</name>
    <message>
        <location filename="../../widgets/video/popup.py" line="66" />
        <source>%1 alarm: %2</source>
        <translation>%1报警：%2</translation>
    </message>
</context>
<context>
    <name>AlarmConsole</name>
    <message>
        <location filename="../../widgets/alarms/console.py" line="206" />
        <source>Nothing to acknowledge: the alarms are acknowledged already or gone.</source>
        <extracomment>What opens a fault record as a trend: (title, samples per point, start ms, end ms, the alarm's point).</extracomment>
        <translation>没有需要确认的报警：这些报警已确认或已消失。</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/console.py" line="210" />
        <source>You may not acknowledge these alarms (sign in as a user who may).</source>
        <translation>您无权确认这些报警（请以有权限的用户登录）。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/alarms/console.py" line="229" />
        <source>%n alarm(s) acknowledged</source>
        <translation><numerusform>已确认 %n 条报警</numerusform></translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/console.py" line="241" />
        <source>You may not shelve this alarm (sign in as a user who may).</source>
        <translation>您无权搁置此报警（请以有权限的用户登录）。</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/console.py" line="255" />
        <source>Alarm shelved until %1</source>
        <translation>报警已搁置至 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/console.py" line="273" />
        <source>%1 is a device or gateway, not a point: it has no trend.</source>
        <translation>%1 是设备或网关而非测点，没有趋势。</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/console.py" line="277" />
        <source>Could not acknowledge: %1</source>
        <translation>无法确认：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/console.py" line="278" />
        <source>Could not shelve: %1</source>
        <translation>无法搁置：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/console.py" line="279" />
        <source>Could not unshelve: %1</source>
        <translation>无法取消搁置：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/console.py" line="280" />
        <source>Could not read the active alarms: %1</source>
        <translation>无法读取活动报警：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/console.py" line="281" />
        <source>Could not search the journal: %1</source>
        <translation>无法查询报警日志：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/console.py" line="282" />
        <source>Could not open the fault record: %1</source>
        <translation>无法打开故障录波：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/console.py" line="283" />
        <source>Could not open the snapshot: %1</source>
        <translation>无法打开快照：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/console.py" line="317" />
        <location filename="../../widgets/alarms/console.py" line="319" />
        <source>Alarm %1 has no fault record.</source>
        <translation>报警 %1 没有故障录波。</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/console.py" line="330" />
        <source>Fault record %1 (%2)</source>
        <translation>故障录波 %1（%2）</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/console.py" line="347" />
        <source>Alarm %1 has no snapshot.</source>
        <translation>报警 %1 没有快照。</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/console.py" line="350" />
        <source>Snapshot of alarm %1</source>
        <translation>报警 %1 的快照</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/console.py" line="384" />
        <source>The export to %1 failed: %2</source>
        <translation>导出到 %1 失败：%2</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/console.py" line="386" />
        <source>Exported to %1</source>
        <translation>已导出到 %1</translation>
    </message>
</context>
<context>
    <name>AlarmList</name>
    <message>
        <location filename="../../widgets/alarms/table.py" line="315" />
        <source>All rooms</source>
        <extracomment>Time-range choices of the filter: (key, hours back; None: any time / custom).</extracomment>
        <translation>全部房间</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="317" />
        <source>All devices</source>
        <translation>全部设备</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="320" />
        <source>Any state</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="322" />
        <source>Any time</source>
        <translation>全部时间</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="322" />
        <source>Last hour</source>
        <translation>最近 1 小时</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="322" />
        <source>Last 24 hours</source>
        <translation>最近 24 小时</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="323" />
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="323" />
        <source>Last 30 days</source>
        <translation>最近 30 天</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="323" />
        <source>From … to …</source>
        <translation>自定义时段</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="326" />
        <source>Text in message, point, device or comment</source>
        <translation>按报警内容、测点、设备或备注筛选</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="327" />
        <source>Active</source>
        <translation>活动报警</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="328" />
        <source>History</source>
        <translation>历史报警</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="329" />
        <source>Acknowledge…</source>
        <translation>确认…</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="330" />
        <source>Shelve…</source>
        <translation>搁置…</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="331" />
        <source>Unshelve</source>
        <translation>取消搁置</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="332" />
        <location filename="../../widgets/alarms/table.py" line="557" />
        <source>Trend</source>
        <translation>趋势</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="333" />
        <location filename="../../widgets/alarms/table.py" line="558" />
        <source>Fault record</source>
        <translation>故障录波</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="334" />
        <source>Replay the diagram</source>
        <translation>事故追忆</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="335" />
        <source>Export to Excel…</source>
        <translation>导出 Excel…</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="336" />
        <source>◀ Newer</source>
        <translation>◀ 较新</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="337" />
        <source>Older ▶</source>
        <translation>较早 ▶</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="338" />
        <source>Search again</source>
        <translation>重新查询</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="394" />
        <source>levels %1</source>
        <translation>级别 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="402" />
        <source>no filter</source>
        <translation>无筛选</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="420" />
        <source>Searching the journal…</source>
        <translation>正在查询报警日志…</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="433" />
        <source>The journal could not be searched: %1</source>
        <translation>无法查询报警日志：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="439" />
        <source>Page %1</source>
        <translation>第 %1 页</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="446" />
        <source>%1 of %2 shown</source>
        <translation>显示 %1 / 共 %2 条</translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/alarms/table.py" line="448" />
        <source>%n journal rows</source>
        <translation><numerusform>%n 条日志记录</numerusform></translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="554" />
        <source>View snapshot</source>
        <translation>查看快照</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="576" />
        <location filename="../../widgets/alarms/table.py" line="585" />
        <source>Active alarms</source>
        <translation>活动报警</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="576" />
        <location filename="../../widgets/alarms/table.py" line="585" />
        <source>Alarm history</source>
        <translation>历史报警</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="577" />
        <source>Export alarms</source>
        <translation>导出报警</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="578" />
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
</context>
<context>
    <name>AlarmSnapshots</name>
    <message>
        <location filename="../../widgets/alarms/snapshots.py" line="169" />
        <source>Snapshot from %1 (double-click to view)</source>
        <translation>%1 拍摄的快照（双击查看）</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/snapshots.py" line="172" />
        <source>No snapshot from %1: %2</source>
        <translation>%1 没有快照：%2</translation>
    </message>
</context>
<context>
    <name>AlarmSound</name>
    <message>
        <location filename="../../widgets/alarms/sound.py" line="156" />
        <source>No audio device: alarms are not sounded</source>
        <extracomment>Per level: (frequency Hz, beeps, beep s, gap s, pause after the pattern s) — more urgent is faster and higher.</extracomment>
        <translation>无音频设备：报警不发声</translation>
    </message>
</context>
<context>
    <name>AlarmTableModel</name>
    <message>
        <location filename="../../widgets/alarms/table_model.py" line="190" />
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table_model.py" line="190" />
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table_model.py" line="190" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table_model.py" line="191" />
        <source>Change</source>
        <translation>变化</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table_model.py" line="191" />
        <source>Room</source>
        <translation>房间</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table_model.py" line="191" />
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table_model.py" line="192" />
        <source>Point</source>
        <translation>测点</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table_model.py" line="192" />
        <source>Message</source>
        <translation>报警内容</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table_model.py" line="192" />
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table_model.py" line="193" />
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table_model.py" line="193" />
        <source>Comment / reason</source>
        <translation>备注 / 原因</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table_model.py" line="193" />
        <source>Snapshot</source>
        <translation>快照</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table_model.py" line="241" />
        <source>until %1</source>
        <translation>至 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table_model.py" line="265" />
        <source>suppressed by %1</source>
        <translation>被 %1 抑制</translation>
    </message>
</context>
<context>
    <name>AlarmWords</name>
    <message>
        <location filename="../../widgets/alarms/words.py" line="28" />
        <source>Critical</source>
        <extracomment>Fill colour per level (1 red, 2 orange, 3 yellow, 4 blue) and the text colour that reads on it. Shelved and suppressed rows are greyed: held out of the operator's way, not gone.</extracomment>
        <translation>紧急</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/words.py" line="29" />
        <source>Major</source>
        <translation>重要</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/words.py" line="30" />
        <source>Minor</source>
        <translation>次要</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/words.py" line="31" />
        <source>Notice</source>
        <translation>提示</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/words.py" line="34" />
        <source>Active, unacknowledged</source>
        <translation>报警中，未确认</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/words.py" line="35" />
        <source>Active, acknowledged</source>
        <translation>报警中，已确认</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/words.py" line="36" />
        <source>Cleared, unacknowledged</source>
        <translation>已恢复，未确认</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/words.py" line="37" />
        <source>Normal</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/words.py" line="38" />
        <location filename="../../widgets/alarms/words.py" line="46" />
        <source>Shelved</source>
        <translation>已搁置</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/words.py" line="39" />
        <location filename="../../widgets/alarms/words.py" line="48" />
        <source>Suppressed</source>
        <translation>已抑制</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/words.py" line="42" />
        <source>Raised</source>
        <translation>产生</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/words.py" line="43" />
        <source>Acknowledged</source>
        <translation>确认</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/words.py" line="44" />
        <source>Cleared</source>
        <translation>恢复</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/words.py" line="45" />
        <source>Back to normal</source>
        <translation>复归正常</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/words.py" line="47" />
        <source>Unshelved</source>
        <translation>取消搁置</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/words.py" line="49" />
        <source>Unsuppressed</source>
        <translation>解除抑制</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/words.py" line="50" />
        <source>Level changed</source>
        <translation>级别变化</translation>
    </message>
</context>
<context>
    <name>AnalysisView</name>
    <message>
        <location filename="../../widgets/reports/analysis.py" line="59" />
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/analysis.py" line="64" />
        <source>Room</source>
        <translation>区域</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/analysis.py" line="66" />
        <source>Meters (several are added up)</source>
        <translation>电表（多选时合计）</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/analysis.py" line="122" />
        <source>Sharp</source>
        <translation>尖</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/analysis.py" line="122" />
        <source>Peak</source>
        <translation>峰</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/analysis.py" line="122" />
        <source>Flat</source>
        <translation>平</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/analysis.py" line="123" />
        <source>Valley</source>
        <translation>谷</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/analysis.py" line="132" />
        <source>All rooms</source>
        <translation>全部区域</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/analysis.py" line="162" />
        <source>The site file has no tariff: energy analysis needs one (section tariff).</source>
        <translation>站点文件没有电价配置（tariff 段），无法进行能耗分析。</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/analysis.py" line="165" />
        <source>Choose at least one meter.</source>
        <translation>请至少选择一块电表。</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/analysis.py" line="169" />
        <source>Reading %1 meter(s)…</source>
        <translation>正在读取 %1 块电表…</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/analysis.py" line="179" />
        <source>Could not read the meters: %1</source>
        <translation>无法读取电表数据：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/analysis.py" line="199" />
        <source>Energy %1 kWh</source>
        <translation>用电量 %1 kWh</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/analysis.py" line="200" />
        <source>cost %1 yuan</source>
        <translation>电费 %1 元</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/analysis.py" line="204" />
        <source>max %1 kW at %2</source>
        <translation>最大负荷 %1 kW（%2）</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/analysis.py" line="206" />
        <source>load factor %1 %</source>
        <translation>负荷率 %1%</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/analysis.py" line="208" />
        <source>peak/valley %1</source>
        <translation>峰谷比 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/analysis.py" line="210" />
        <source>moving 10 % of peak energy to the valley saves %1 yuan</source>
        <translation>将 10% 峰段电量移至谷段可节省 %1 元</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/analysis.py" line="215" />
        <source>Note: %1</source>
        <translation>注意：%1</translation>
    </message>
</context>
<context>
    <name>AuditDialog</name>
    <message>
        <location filename="../../widgets/auth/audit.py" line="70" />
        <source>Audit log</source>
        <translation>审计日志</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/audit.py" line="72" />
        <source>Last hour</source>
        <translation>最近一小时</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/audit.py" line="72" />
        <source>Last 24 hours</source>
        <translation>最近 24 小时</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/audit.py" line="72" />
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/audit.py" line="73" />
        <source>Last 30 days</source>
        <translation>最近 30 天</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/audit.py" line="73" />
        <source>Any time</source>
        <translation>全部时间</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/audit.py" line="73" />
        <source>From … to …</source>
        <translation>自定义起止…</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/audit.py" line="84" />
        <source>Any user</source>
        <translation>全部用户</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/audit.py" line="87" />
        <source>Any action</source>
        <translation>全部操作</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/audit.py" line="90" />
        <source>Search</source>
        <translation>查询</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/audit.py" line="93" />
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/audit.py" line="94" />
        <source>Time:</source>
        <translation>时间：</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/audit.py" line="95" />
        <source>User:</source>
        <translation>用户：</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/audit.py" line="96" />
        <source>Action:</source>
        <translation>操作：</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/audit.py" line="103" />
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/audit.py" line="103" />
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/audit.py" line="103" />
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/audit.py" line="103" />
        <source>Target</source>
        <translation>对象</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/audit.py" line="104" />
        <source>Detail</source>
        <translation>详情</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/audit.py" line="104" />
        <source>From</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/audit.py" line="104" />
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/audit.py" line="115" />
        <source>Export to Excel…</source>
        <translation>导出到 Excel…</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/audit.py" line="116" />
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/audit.py" line="159" />
        <source>user %1</source>
        <translation>用户 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/audit.py" line="173" />
        <source>Reading the audit log…</source>
        <translation>正在读取审计日志…</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/audit.py" line="194" />
        <source>%1 row(s)</source>
        <translation>%1 条</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/audit.py" line="195" />
        <source> (the newest; narrow the filters for older rows)</source>
        <translation>（最新的；缩小筛选范围可查看更早的记录）</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/audit.py" line="210" />
        <source>Export the audit log</source>
        <translation>导出审计日志</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/audit.py" line="211" />
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/audit.py" line="222" />
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/audit.py" line="241" />
        <source>The export to %1 failed: %2</source>
        <translation>导出到 %1 失败：%2</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/audit.py" line="244" />
        <source>Exported to %1</source>
        <translation>已导出到 %1</translation>
    </message>
</context>
<context>
    <name>Auth</name>
    <message>
        <location filename="../../widgets/auth/words.py" line="60" />
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
</context>
<context>
    <name>BindingCheck</name>
    <message>
        <location filename="../../widgets/topology/binding_check.py" line="32" />
        <source>Position (open/closed)</source>
        <translation>分合位置</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/binding_check.py" line="33" />
        <source>Withdrawn (truck out)</source>
        <translation>手车位置（抽出）</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/binding_check.py" line="34" />
        <source>Alarm</source>
        <translation>报警</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/binding_check.py" line="35" />
        <source>Fuse blown</source>
        <translation>熔断器熔断</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/binding_check.py" line="43" />
        <source>'%1' is not bound to a point; it will show as unknown.</source>
        <translation>“%1”未绑定测点，将显示为未知。</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/binding_check.py" line="45" />
        <source>'%1' is bound to %2, which is not a point of the site.</source>
        <translation>“%1”绑定到 %2，但本站没有该测点。</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/binding_check.py" line="47" />
        <source>'%1' is bound to %2, a point of kind %3; a state needs a digital point.</source>
        <translation>“%1”绑定到 %2（类型 %3）；状态只能绑定开关量测点。</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/binding_check.py" line="49" />
        <source>The symbol has no state '%1' to bind.</source>
        <translation>该图元没有可绑定的状态“%1”。</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/binding_check.py" line="50" />
        <source>A value label shows %2, which is not a point of the site.</source>
        <translation>数值标签显示 %2，但本站没有该测点。</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/binding_check.py" line="52" />
        <source>Device %4 is not in the site.</source>
        <translation>本站没有设备 %4。</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/binding_check.py" line="101" />
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
</context>
<context>
    <name>CameraList</name>
    <message>
        <location filename="../../widgets/video/camera_list.py" line="43" />
        <source>Drag onto a cell of the grid, or double-click to show it</source>
        <translation>拖到画面格中，或双击显示</translation>
    </message>
</context>
<context>
    <name>CriticalPopup</name>
    <message numerus="yes">
        <location filename="../../widgets/alarms/popup.py" line="104" />
        <source>Critical alarm: %n waiting for acknowledgement</source>
        <translation><numerusform>紧急报警：%n 条等待确认</numerusform></translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/popup.py" line="122" />
        <source>SwitchRoom: critical alarm</source>
        <translation>SwitchRoom：紧急报警</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/popup.py" line="123" />
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/popup.py" line="123" />
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/popup.py" line="123" />
        <source>Message</source>
        <translation>报警内容</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/popup.py" line="123" />
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/popup.py" line="124" />
        <source>Acknowledge</source>
        <translation>确认</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/popup.py" line="125" />
        <source>Show point</source>
        <translation>查看测点</translation>
    </message>
</context>
<context>
    <name>DeviceBrowser</name>
    <message>
        <location filename="../../widgets/devices.py" line="571" />
        <source>Filter by id, Chinese or English name</source>
        <translation>按编号、中文或英文名称筛选</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="572" />
        <source>Show only problems</source>
        <translation>只看异常</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="670" />
        <source>Open trend</source>
        <translation>打开趋势</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="671" />
        <source>Alarm limits…</source>
        <translation>报警限值…</translation>
    </message>
</context>
<context>
    <name>DeviceTreeModel</name>
    <message>
        <location filename="../../widgets/devices.py" line="245" />
        <source>Name</source>
        <extracomment>Dragged devices (their ids, one a line): the video grid shows a device's first linked camera.</extracomment>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="245" />
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="245" />
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="245" />
        <source>Quality</source>
        <translation>质量</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="245" />
        <source>Last update</source>
        <translation>最后更新</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="285" />
        <source>Calculated points</source>
        <translation>计算点</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="309" />
        <source>good</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="310" />
        <source>stale</source>
        <translation>数据陈旧</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="311" />
        <location filename="../../widgets/devices.py" line="317" />
        <source>comm fail</source>
        <translation>通讯中断</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="312" />
        <source>bad value</source>
        <translation>数值异常</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="316" />
        <source>online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="316" />
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="316" />
        <source>ok</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="317" />
        <source>no data yet</source>
        <translation>尚无数据</translation>
    </message>
</context>
<context>
    <name>DiagramEdit</name>
    <message>
        <location filename="../../widgets/topology/commands.py" line="33" />
        <source>Add</source>
        <extracomment>`QUndoCommand.id` of property edits that merge when they touch the same fields of the same items.</extracomment>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/commands.py" line="56" />
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/commands.py" line="87" />
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/commands.py" line="127" />
        <source>Change layers</source>
        <translation>修改图层</translation>
    </message>
</context>
<context>
    <name>DiagramEditor</name>
    <message>
        <location filename="../../widgets/topology/editor.py" line="223" />
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="223" />
        <source>Save a &amp;copy as file…</source>
        <translation>另存副本为文件(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="224" />
        <source>&amp;Export…</source>
        <translation>导出(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="224" />
        <source>&amp;Close</source>
        <translation>关闭(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="224" />
        <source>Free &amp;text</source>
        <translation>自由文字(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="225" />
        <source>Align left</source>
        <translation>左对齐</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="225" />
        <source>Align centres horizontally</source>
        <translation>水平居中对齐</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="226" />
        <source>Align right</source>
        <translation>右对齐</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="226" />
        <source>Align top</source>
        <translation>顶端对齐</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="227" />
        <source>Align centres vertically</source>
        <translation>垂直居中对齐</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="227" />
        <source>Align bottom</source>
        <translation>底端对齐</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="228" />
        <source>Distribute horizontally</source>
        <translation>水平等距分布</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="228" />
        <source>Distribute vertically</source>
        <translation>垂直等距分布</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="229" />
        <source>Rotate (R)</source>
        <translation>旋转 (R)</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="229" />
        <source>Flip (F)</source>
        <translation>镜像 (F)</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="229" />
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="230" />
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="230" />
        <source>Fit</source>
        <translation>适合窗口</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="230" />
        <source>Snap to grid</source>
        <translation>对齐网格</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="234" />
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="235" />
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="236" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="236" />
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="236" />
        <source>&amp;Insert</source>
        <translation>插入(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="237" />
        <source>&amp;Arrange</source>
        <translation>排列(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="237" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="239" />
        <source>Symbols</source>
        <translation>图元库</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="239" />
        <source>Overview map</source>
        <translation>鹰眼图</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="240" />
        <source>Properties</source>
        <translation>属性</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="240" />
        <source>Layers</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="242" />
        <source>Drawing tools</source>
        <translation>绘图工具</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="262" />
        <source>Edit diagram %1 (%2), revision %3[*] — SwitchRoom</source>
        <translation>编辑一次系统图 %1（%2），版本 %3[*] — SwitchRoom</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="269" />
        <source>%1 binding problem(s): see Properties</source>
        <translation>%1 处绑定问题：见“属性”</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="272" />
        <source>All bindings valid</source>
        <translation>绑定全部有效</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="297" />
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="306" />
        <source>Saved as revision %1.</source>
        <translation>已保存为版本 %1。</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="316" />
        <source>Someone else saved this diagram while you were editing it. Your drawing was not saved; save it as a copy and merge the changes by hand.</source>
        <translation>在您编辑期间，其他人已保存了这张图。您的图纸未保存；请另存副本，再手工合并修改。</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="319" />
        <source>The diagram was not saved: %1</source>
        <translation>一次系统图未保存：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="320" />
        <location filename="../../widgets/topology/editor.py" line="345" />
        <source>Not saved</source>
        <translation>未保存</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="322" />
        <source>Save a copy as file…</source>
        <translation>另存副本为文件…</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="337" />
        <source>Save a copy of the diagram</source>
        <translation>另存一次系统图副本</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="338" />
        <source>Diagrams (*.json)</source>
        <translation>一次系统图 (*.json)</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="345" />
        <source>The copy could not be written: %1</source>
        <translation>副本无法写入：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="348" />
        <source>A copy was written to %1.</source>
        <translation>副本已写入 %1。</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="374" />
        <source>Export the drawing</source>
        <translation>导出图纸</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="375" />
        <source>PDF (*.pdf);;SVG (*.svg);;PNG image (*.png)</source>
        <translation>PDF (*.pdf);;SVG (*.svg);;PNG 图片 (*.png)</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="381" />
        <source>Not exported</source>
        <translation>未导出</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/editor.py" line="383" />
        <source>The drawing was exported to %1.</source>
        <translation>图纸已导出到 %1。</translation>
    </message>
</context>
<context>
    <name>DiagramExport</name>
    <message>
        <location filename="../../widgets/topology/export.py" line="57" />
        <source>Site</source>
        <translation>站点</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/export.py" line="58" />
        <source>Drawing</source>
        <translation>图名</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/export.py" line="59" />
        <source>Revision</source>
        <translation>版本</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/export.py" line="60" />
        <source>Printed</source>
        <translation>出图时间</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/export.py" line="85" />
        <source>Unknown export format '%1': choose .png, .svg or .pdf.</source>
        <translation>不支持的导出格式“%1”：请选择 .png、.svg 或 .pdf。</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/export.py" line="111" />
        <location filename="../../widgets/topology/export.py" line="117" />
        <source>The drawing could not be written to %1.</source>
        <translation>图纸无法写入 %1。</translation>
    </message>
</context>
<context>
    <name>DiagramPane</name>
    <message>
        <location filename="../../widgets/topology/pane.py" line="98" />
        <source>Fit</source>
        <translation>适合窗口</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/pane.py" line="99" />
        <source>Acknowledge changes</source>
        <translation>确认变位</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/pane.py" line="100" />
        <source>Replay…</source>
        <translation>事故追忆…</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/pane.py" line="101" />
        <source>Show this diagram as the plant was at a past time (post-fault replay)</source>
        <translation>按过去某一时刻的实际状态显示本图（事故追忆）</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/pane.py" line="102" />
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/pane.py" line="103" />
        <source>Open this diagram in the editor</source>
        <translation>在编辑器中打开本图</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/pane.py" line="110" />
        <source>This site has no single-line diagram yet.</source>
        <translation>本站还没有一次系统图。</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/pane.py" line="125" />
        <source>Loading the diagram %1…</source>
        <translation>正在载入一次系统图 %1…</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/pane.py" line="174" />
        <source>%1 switch change(s) not acknowledged</source>
        <translation>%1 个开关变位未确认</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/pane.py" line="217" />
        <source>The diagram cannot be shown: %1</source>
        <translation>无法显示一次系统图：%1</translation>
    </message>
</context>
<context>
    <name>DiagramView</name>
    <message>
        <location filename="../../widgets/topology/runtime.py" line="75" />
        <source>%1: %2</source>
        <extracomment>Half a blink period: everything that blinks is lit 500 ms and dark 500 ms (1 Hz). Which section colours a symbol whose terminals are in several (`Energisation.symbol`'s order). States in which an alarm is shown on its symbol (shelved and suppressed ones are held out of the way).</extracomment>
        <translation>%1：%2</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/runtime.py" line="467" />
        <source>Open the faceplate of %1</source>
        <translation>打开 %1 的设备面板</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/runtime.py" line="471" />
        <source>Acknowledge the change of %1</source>
        <translation>确认 %1 的变位</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/runtime.py" line="473" />
        <source>Acknowledge all changes (%1)</source>
        <translation>确认全部变位（%1）</translation>
    </message>
</context>
<context>
    <name>EditorCanvas</name>
    <message>
        <location filename="../../widgets/topology/canvas.py" line="219" />
        <source>Place %1</source>
        <extracomment>The clipboard's own format: diagram file text (app.diagram.clipboard); plain text carries it too. What the palette drags: a symbol id. How close (grid units) the pointer must come to a terminal to take it.</extracomment>
        <translation>放置 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/canvas.py" line="228" />
        <source>Text</source>
        <translation>文字</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/canvas.py" line="229" />
        <source>Add text</source>
        <translation>添加文字</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/canvas.py" line="261" />
        <source>Rotate</source>
        <translation>旋转</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/canvas.py" line="268" />
        <source>Flip</source>
        <translation>镜像</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/canvas.py" line="274" />
        <source>Align</source>
        <translation>对齐</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/canvas.py" line="280" />
        <source>Distribute</source>
        <translation>等距分布</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/canvas.py" line="288" />
        <location filename="../../widgets/topology/canvas.py" line="498" />
        <source>Move</source>
        <translation>移动</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/canvas.py" line="294" />
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/canvas.py" line="320" />
        <source>Cut</source>
        <translation>剪切</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/canvas.py" line="332" />
        <source>The clipboard holds nothing to paste.</source>
        <translation>剪贴板中没有可粘贴的内容。</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/canvas.py" line="336" />
        <source>Paste</source>
        <translation>粘贴</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/canvas.py" line="341" />
        <source>Duplicate</source>
        <translation>复制一份</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/canvas.py" line="347" />
        <source>Cannot paste: %1</source>
        <translation>无法粘贴：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/canvas.py" line="507" />
        <source>A wire needs two different terminals.</source>
        <translation>连线需要两个不同的端子。</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/canvas.py" line="510" />
        <source>These two terminals are already connected.</source>
        <translation>这两个端子已经连接。</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/canvas.py" line="513" />
        <source>Connect</source>
        <translation>连线</translation>
    </message>
</context>
<context>
    <name>Faceplate</name>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="260" />
        <source>Faceplate: %1</source>
        <extracomment>How far back the small trend reaches, and how many points of it are fetched per pen. At most this many pens: the faceplate's trend is a glance, the trend pane is for study.</extracomment>
        <translation>设备面板：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="264" />
        <source>%1 (%2), %3</source>
        <translation>%1（%2），%3</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="267" />
        <source>%1, not bound to a device: its bound points only.</source>
        <translation>%1 未绑定设备：仅显示其绑定的测点。</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="269" />
        <source>This switch changed state and the change is not acknowledged.</source>
        <translation>此开关已变位，变位尚未确认。</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="270" />
        <source>Acknowledge change</source>
        <translation>确认变位</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="271" />
        <source>Points</source>
        <translation>测点</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="272" />
        <source>Point</source>
        <translation>测点</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="272" />
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="272" />
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="272" />
        <source>Quality</source>
        <translation>质量</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="276" />
        <source>Alarms</source>
        <translation>报警</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="277" />
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="277" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="277" />
        <source>Message</source>
        <translation>内容</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="278" />
        <source>Raised</source>
        <translation>发生时间</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="279" />
        <source>Comment (optional)</source>
        <translation>备注（可选）</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="280" />
        <source>Acknowledge</source>
        <translation>确认</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="281" />
        <source>Last hour</source>
        <translation>最近一小时</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="282" />
        <source>Open trend</source>
        <translation>打开趋势</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="283" />
        <source>This device has no analog points to trend.</source>
        <translation>该设备没有可绘制趋势的模拟量测点。</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="291" />
        <source>Cameras</source>
        <translation>摄像机</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="292" />
        <source>Show camera</source>
        <translation>查看摄像机</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="293" />
        <source>No camera covers this device.</source>
        <translation>没有摄像机覆盖该设备。</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="341" />
        <source>good</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="342" />
        <source>stale</source>
        <translation>陈旧</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="343" />
        <source>no communication</source>
        <translation>通讯中断</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="344" />
        <source>bad value</source>
        <translation>数值无效</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="353" />
        <source>closed</source>
        <translation>合位</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="354" />
        <source>open</source>
        <translation>分位</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="355" />
        <source>withdrawn</source>
        <translation>抽出</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="356" />
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="358" />
        <source>State: %1</source>
        <translation>状态：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="417" />
        <source>No active alarms.</source>
        <translation>没有活动报警。</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="419" />
        <source>Waiting for acknowledgement: %1.</source>
        <translation>待确认：%1。</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="421" />
        <source>All alarms are acknowledged.</source>
        <translation>报警已全部确认。</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="446" />
        <source>The source did not answer: %1</source>
        <translation>数据源未应答：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/faceplate.py" line="490" />
        <source>The history could not be read: %1</source>
        <translation>历史数据无法读取：%1</translation>
    </message>
</context>
<context>
    <name>FirstAdminDialog</name>
    <message>
        <location filename="../../widgets/auth/login.py" line="253" />
        <source>First administrator</source>
        <translation>首个管理员</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/login.py" line="254" />
        <source>This console has no administrator yet. Choose the first one: they sign in next and can then add the other users.</source>
        <translation>本控制台还没有管理员。请设置第一个管理员：随后用其登录，再添加其他用户。</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/login.py" line="260" />
        <source>Optional, e.g. the person's full name</source>
        <translation>可选，例如本人姓名</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/login.py" line="261" />
        <source>User name:</source>
        <translation>用户名：</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/login.py" line="262" />
        <source>Display name:</source>
        <translation>显示名称：</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/login.py" line="265" />
        <source>Create administrator</source>
        <translation>创建管理员</translation>
    </message>
</context>
<context>
    <name>JobsEditor</name>
    <message>
        <location filename="../../widgets/reports/schedules.py" line="38" />
        <source>Folder for the reports</source>
        <translation>报表保存文件夹</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/schedules.py" line="52" />
        <location filename="../../widgets/reports/schedules.py" line="83" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/schedules.py" line="52" />
        <location filename="../../widgets/reports/schedules.py" line="84" />
        <source>Report</source>
        <translation>报表</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/schedules.py" line="52" />
        <location filename="../../widgets/reports/schedules.py" line="85" />
        <source>Runs</source>
        <translation>执行周期</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/schedules.py" line="53" />
        <location filename="../../widgets/reports/schedules.py" line="88" />
        <source>Folder</source>
        <translation>保存文件夹</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/schedules.py" line="53" />
        <location filename="../../widgets/reports/schedules.py" line="89" />
        <source>E-mail to</source>
        <translation>发送邮件至</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/schedules.py" line="53" />
        <source>Last made</source>
        <translation>最近生成</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/schedules.py" line="62" />
        <source>Every day (the day before)</source>
        <translation>每天（统计前一天）</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/schedules.py" line="63" />
        <source>Every month (the month before)</source>
        <translation>每月（统计上一个月）</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/schedules.py" line="69" />
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/schedules.py" line="75" />
        <source>addresses, separated by commas (optional)</source>
        <translation>邮箱地址，多个用逗号分隔（可不填）</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/schedules.py" line="76" />
        <source>Save job</source>
        <translation>保存任务</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/schedules.py" line="78" />
        <source>Delete job</source>
        <translation>删除任务</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/schedules.py" line="86" />
        <source>At</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/schedules.py" line="87" />
        <source>Day of the month</source>
        <translation>每月第几日</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/schedules.py" line="116" />
        <source>daily at %1</source>
        <translation>每天 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/schedules.py" line="117" />
        <source>monthly on day %1 at %2</source>
        <translation>每月 %1 日 %2</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/schedules.py" line="162" />
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/schedules.py" line="164" />
        <source>Saved. The next run follows the new schedule.</source>
        <translation>已保存，下次执行按新计划。</translation>
    </message>
</context>
<context>
    <name>Launch</name>
    <message>
        <location filename="../../widgets/launch.py" line="75" />
        <source>The site file cannot be used:</source>
        <translation>站点文件无法使用：</translation>
    </message>
    <message>
        <location filename="../../widgets/launch.py" line="138" />
        <source>User name on %1:</source>
        <translation>%1 上的用户名：</translation>
    </message>
    <message>
        <location filename="../../widgets/launch.py" line="142" />
        <source>Password of %1:</source>
        <translation>%1 的密码：</translation>
    </message>
    <message>
        <location filename="../../widgets/launch.py" line="150" />
        <source>Signing in to the server failed:</source>
        <translation>登录服务器失败：</translation>
    </message>
</context>
<context>
    <name>LayerPanel</name>
    <message>
        <location filename="../../widgets/topology/layers.py" line="84" />
        <source>Layer</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/layers.py" line="84" />
        <source>Visible</source>
        <translation>可见</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/layers.py" line="84" />
        <source>Locked</source>
        <translation>锁定</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/layers.py" line="85" />
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/layers.py" line="86" />
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/layers.py" line="87" />
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/layers.py" line="88" />
        <source>Move the selection to this layer</source>
        <translation>将所选移到此图层</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/layers.py" line="124" />
        <location filename="../../widgets/topology/layers.py" line="187" />
        <source>Base layer</source>
        <translation>基础图层</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/layers.py" line="176" />
        <source>Show layer %1</source>
        <translation>显示图层 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/layers.py" line="176" />
        <source>Hide layer %1</source>
        <translation>隐藏图层 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/layers.py" line="181" />
        <source>Lock layer %1</source>
        <translation>锁定图层 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/layers.py" line="181" />
        <source>Unlock layer %1</source>
        <translation>解锁图层 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/layers.py" line="193" />
        <location filename="../../widgets/topology/layers.py" line="195" />
        <source>Layer %1</source>
        <translation>图层 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/layers.py" line="197" />
        <source>Add layer %1</source>
        <translation>添加图层 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/layers.py" line="215" />
        <source>Rename layer %1 to %2</source>
        <translation>将图层 %1 重命名为 %2</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/layers.py" line="230" />
        <source>Remove layer %1</source>
        <translation>删除图层 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/layers.py" line="249" />
        <source>Move to layer %1</source>
        <translation>移到图层 %1</translation>
    </message>
</context>
<context>
    <name>LimitsDialog</name>
    <message>
        <location filename="../../widgets/limits.py" line="46" />
        <source>Alarm limits: %1</source>
        <translation>报警限值：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="53" />
        <source>Limit</source>
        <translation>限值</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="53" />
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="53" />
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="57" />
        <source>HH (high high)</source>
        <translation>HH（超高限）</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="57" />
        <source>H (high)</source>
        <translation>H（高限）</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="57" />
        <source>L (low)</source>
        <translation>L（低限）</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="58" />
        <source>LL (low low)</source>
        <translation>LL（超低限）</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="63" />
        <source>1 critical</source>
        <translation>1 紧急</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="63" />
        <source>2 major</source>
        <translation>2 重要</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="63" />
        <source>3 minor</source>
        <translation>3 次要</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="64" />
        <source>4 notice</source>
        <translation>4 提示</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="77" />
        <location filename="../../widgets/limits.py" line="78" />
        <source>s</source>
        <translation>秒</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="79" />
        <source>Deadband</source>
        <translation>死区（回差）</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="79" />
        <source>On-delay</source>
        <translation>动作延时</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="80" />
        <source>Off-delay</source>
        <translation>复归延时</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="86" />
        <source>Back to the site file</source>
        <translation>恢复为站点文件的限值</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="98" />
        <source>You may look at these limits; changing them needs the right to edit alarm rules.</source>
        <translation>您可以查看这些限值；修改需要“编辑报警规则”权限。</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="101" />
        <source>Reading the limits in force…</source>
        <translation>正在读取生效的限值…</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="122" />
        <source>These limits were changed at runtime (over the site file).</source>
        <translation>这些限值是运行中修改的（覆盖站点文件）。</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="123" />
        <source>These limits come from the site file.</source>
        <translation>这些限值来自站点文件。</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <location filename="../../widgets/auth/lock.py" line="89" />
        <source>Console locked</source>
        <translation>控制台已锁定</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/lock.py" line="90" />
        <source>Alarms keep showing above and sounding. Enter your password to unlock, or sign in as another user to take over the console.</source>
        <translation>报警仍在上方显示并发声。输入密码解锁，或以其他用户登录接管控制台。</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/lock.py" line="93" />
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/lock.py" line="97" />
        <source>Signed in: %1</source>
        <translation>已登录：%1</translation>
    </message>
</context>
<context>
    <name>LogTable</name>
    <message>
        <location filename="../../widgets/log_view.py" line="124" />
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../widgets/log_view.py" line="124" />
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../widgets/log_view.py" line="124" />
        <source>Logger</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../widgets/log_view.py" line="124" />
        <source>Message</source>
        <translation>消息</translation>
    </message>
</context>
<context>
    <name>LogView</name>
    <message>
        <location filename="../../widgets/log_view.py" line="232" />
        <source>Debug</source>
        <translation>调试</translation>
    </message>
    <message>
        <location filename="../../widgets/log_view.py" line="232" />
        <source>Info</source>
        <translation>信息</translation>
    </message>
    <message>
        <location filename="../../widgets/log_view.py" line="232" />
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <location filename="../../widgets/log_view.py" line="232" />
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../../widgets/log_view.py" line="232" />
        <source>Critical</source>
        <translation>严重</translation>
    </message>
    <message>
        <location filename="../../widgets/log_view.py" line="239" />
        <source>Lowest level:</source>
        <translation>最低级别：</translation>
    </message>
    <message>
        <location filename="../../widgets/log_view.py" line="240" />
        <source>Filter by logger or message</source>
        <translation>按来源或消息筛选</translation>
    </message>
    <message>
        <location filename="../../widgets/log_view.py" line="241" />
        <source>Clear</source>
        <translation>清空</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../widgets/auth/login.py" line="131" />
        <source>Sign in to SwitchRoom</source>
        <translation>登录 SwitchRoom</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/login.py" line="134" />
        <source>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;Sign in to operate the plant.</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;登录后方可操作。</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/login.py" line="135" />
        <source>Sign in to operate the plant.</source>
        <translation>登录后方可操作。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>No active alarms</source>
        <translation>无活动报警</translation>
    </message>
    <message>
        <source>Active alarms: %n</source>
        <translation>活动报警：%n 条</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="139" />
        <location filename="../../widgets/main_window.py" line="446" />
        <location filename="../../widgets/main_window.py" line="606" />
        <source>SwitchRoom</source>
        <translation>SwitchRoom 配电房监控</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="101" />
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="169" />
        <source>Source: starting…</source>
        <translation>数据源：启动中…</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="170" />
        <source>Gateways: –</source>
        <translation>网关：–</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="171" />
        <source>Database: –</source>
        <translation>数据库：–</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="177" />
        <source>Not logged in</source>
        <translation>未登录</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="186" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="188" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="194" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="197" />
        <source>&amp;Full screen</source>
        <translation>全屏(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="202" />
        <source>&amp;Reset layout</source>
        <translation>恢复默认布局(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="207" />
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="209" />
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="210" />
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="218" />
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="228" />
        <source>&amp;Alarms</source>
        <translation>报警(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="230" />
        <source>Alarm &amp;list</source>
        <translation>报警列表(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="235" />
        <source>&amp;Mute the alarm sound for 5 minutes</source>
        <translation>报警声静音 5 分钟(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="240" />
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="242" />
        <source>New &amp;trend</source>
        <translation>新建趋势(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="247" />
        <source>&amp;Save trend as set…</source>
        <translation>保存趋势组(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="251" />
        <source>&amp;Open trend set</source>
        <translation>打开趋势组(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="256" />
        <source>&amp;User</source>
        <translation>用户(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="260" />
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="309" />
        <source>Reports and energy</source>
        <translation>报表与能耗</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="336" />
        <source>Video</source>
        <translation>视频监控</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="359" />
        <source>This site has no camera %1.</source>
        <translation>本站没有摄像机 %1。</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="136" />
        <source>SwitchRoom — %1</source>
        <translation>SwitchRoom — %1</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="276" />
        <source>Overview</source>
        <translation>监控总览</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="283" />
        <source>Single-line diagram</source>
        <translation>一次系统图</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="288" />
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="295" />
        <source>Alarms</source>
        <translation>报警</translation>
    </message>
    <message>
        <source>Camera %1: this console has no video pane yet.</source>
        <translation>摄像机 %1：本控制台暂无视频窗格。</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="377" />
        <source>No single-line diagram shows this alarm's device.</source>
        <translation>没有一次系统图包含该报警的设备。</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="410" />
        <source>direct</source>
        <translation>直连</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="412" />
        <source>cloud</source>
        <translation>云端</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="415" />
        <source>cloud (connection lost, reconnecting…)</source>
        <translation>云端（连接中断，正在重连…）</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="416" />
        <source>Source: %1</source>
        <translation>数据源：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="423" />
        <source>Gateways online: %1/%2</source>
        <translation>网关在线：%1/%2</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="428" />
        <source>Database: %1</source>
        <translation>数据库：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="429" />
        <source>OK</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="437" />
        <source>Notification: %1</source>
        <translation>通知：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="474" />
        <source>Trend %1</source>
        <translation>趋势 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="531" />
        <source>Save trend set</source>
        <translation>保存趋势组</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="532" />
        <source>Name of the set:</source>
        <translation>趋势组名称：</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="607" />
        <source>The change takes effect when the console restarts.</source>
        <translation>更改将在监控软件重新启动后生效。</translation>
    </message>
</context>
<context>
    <name>Minimap</name>
    <message>
        <location filename="../../widgets/topology/minimap.py" line="43" />
        <source>Click or drag to show that part of the diagram.</source>
        <extracomment>How long the drawing must be still before the picture is taken again.</extracomment>
        <translation>单击或拖动以显示图中该部分。</translation>
    </message>
</context>
<context>
    <name>NewPasswordFields</name>
    <message>
        <location filename="../../widgets/auth/login.py" line="170" />
        <source>New password:</source>
        <translation>新密码：</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/login.py" line="171" />
        <source>Repeat it:</source>
        <translation>再输入一次：</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/login.py" line="185" />
        <source>Choose a password of at least 10 characters with letters and digits or symbols.</source>
        <translation>请设置至少 10 个字符、包含字母和数字或符号的密码。</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/login.py" line="188" />
        <source>The two passwords are not the same yet.</source>
        <translation>两次输入的密码还不一致。</translation>
    </message>
</context>
<context>
    <name>OverviewView</name>
    <message>
        <location filename="../../widgets/overview.py" line="207" />
        <source>Incoming power (kW)</source>
        <translation>进线功率 (kW)</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="209" />
        <source>Gateways online</source>
        <translation>网关在线</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="210" />
        <source>Devices answering / silent / no data</source>
        <translation>设备 应答/无应答/无数据</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="215" />
        <source>Active alarms</source>
        <translation>活动报警</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="231" />
        <location filename="../../widgets/overview.py" line="339" />
        <source>Level %1</source>
        <translation>%1 级</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="249" />
        <source>%1: power (kW)</source>
        <translation>%1：功率 (kW)</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="272" />
        <source>Room temperature (°C)</source>
        <translation>室内温度 (°C)</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="273" />
        <source>Humidity (%RH)</source>
        <translation>湿度 (%RH)</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="274" />
        <source>Smoke detector</source>
        <translation>烟雾探测</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="275" />
        <source>Water leak</source>
        <translation>水浸</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="276" />
        <source>Door</source>
        <translation>门磁</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="277" />
        <source>Intrusion detector</source>
        <translation>红外入侵</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="301" />
        <source>Load rate (%)</source>
        <translation>负载率 (%)</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="302" />
        <source>Apparent power (kVA)</source>
        <translation>视在功率 (kVA)</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="306" />
        <source>Winding %1 (°C)</source>
        <translation>%1 相绕组 (°C)</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="325" />
        <source>%1: energy since %2 (kWh)</source>
        <translation>%1：%2 以来电量 (kWh)</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="326" />
        <source>Energy since %1 (kWh)</source>
        <translation>%1 以来电量 (kWh)</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="328" />
        <source>%1: today's energy (kWh)</source>
        <translation>%1：今日电量 (kWh)</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="329" />
        <source>Today's energy (kWh)</source>
        <translation>今日电量 (kWh)</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="523" />
        <source>Tripped on temperature</source>
        <translation>超温跳闸</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="525" />
        <source>Over-temperature alarm</source>
        <translation>超温报警</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="527" />
        <location filename="../../widgets/overview.py" line="544" />
        <source>No data</source>
        <translation>无数据</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="529" />
        <source>Overloaded</source>
        <translation>过负荷</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="531" />
        <source>High load or temperature</source>
        <translation>负荷或温度偏高</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="533" />
        <source>Normal</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="547" />
        <location filename="../../widgets/overview.py" line="550" />
        <source>Clear</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="547" />
        <source>Smoke!</source>
        <translation>烟雾报警！</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="548" />
        <source>Dry</source>
        <translation>无水</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="548" />
        <source>Water leak!</source>
        <translation>水浸报警！</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="549" />
        <source>Closed</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="549" />
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="550" />
        <source>Intrusion!</source>
        <translation>入侵报警！</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="569" />
        <source>Gateways online: %1 of %2 · devices answering: %3 of %4</source>
        <translation>网关在线：%1/%2 · 设备应答：%3/%4</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="578" />
        <source>Data source not running</source>
        <translation>数据源未运行</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="581" />
        <source>Database: %1</source>
        <translation>数据库：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="584" />
        <source>Data source running</source>
        <translation>数据源运行中</translation>
    </message>
</context>
<context>
    <name>PasswordDialog</name>
    <message>
        <location filename="../../widgets/auth/login.py" line="293" />
        <location filename="../../widgets/auth/login.py" line="300" />
        <source>Change password</source>
        <translation>修改密码</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/login.py" line="296" />
        <source>Current password:</source>
        <translation>当前密码：</translation>
    </message>
</context>
<context>
    <name>PenTable</name>
    <message>
        <location filename="../../widgets/trends/legend.py" line="52" />
        <source>Pen</source>
        <translation>曲线</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/legend.py" line="52" />
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/legend.py" line="52" />
        <source>Cursor</source>
        <translation>光标值</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/legend.py" line="52" />
        <source>Min</source>
        <translation>最小</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/legend.py" line="52" />
        <source>Max</source>
        <translation>最大</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/legend.py" line="52" />
        <source>Avg</source>
        <translation>平均</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/legend.py" line="99" />
        <source>stale</source>
        <translation>数据陈旧</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/legend.py" line="99" />
        <source>no communication</source>
        <translation>通讯中断</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/legend.py" line="100" />
        <source>bad value</source>
        <translation>数值异常</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/legend.py" line="101" />
        <source>{value} ({quality})</source>
        <translation>{value}（{quality}）</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/legend.py" line="136" />
        <source>Own axis</source>
        <translation>独立坐标轴</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/legend.py" line="140" />
        <source>Remove pen</source>
        <translation>移除曲线</translation>
    </message>
</context>
<context>
    <name>PlantView</name>
    <message>
        <location filename="../../widgets/reports/plant_view.py" line="44" />
        <source>Show losses and transformer load</source>
        <translation>显示损耗与变压器负载</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/plant_view.py" line="86" />
        <source>The site file has no tariff: the analysis needs one (section tariff).</source>
        <translation>站点文件没有电价配置（tariff 段），无法进行分析。</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/plant_view.py" line="91" />
        <source>Computing losses and loads…</source>
        <translation>正在计算损耗与负载…</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/plant_view.py" line="108" />
        <source>Could not compute: %1</source>
        <translation>无法计算：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/plant_view.py" line="142" />
        <source>Share of time by transformer load rate</source>
        <translation>变压器负载率分布（时间占比）</translation>
    </message>
</context>
<context>
    <name>PropertiesPanel</name>
    <message>
        <location filename="../../widgets/topology/properties.py" line="145" />
        <source>Unbind the device</source>
        <extracomment>Command ids of typing sessions (far from `commands.MERGE_PROPERTY`): one id per session, so a second visit to the same field is a step of its own. Point kinds a state (breaker position, truck, alarm) and a value label accept.</extracomment>
        <translation>解除设备绑定</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="200" />
        <source>Edit the text</source>
        <translation>编辑文字</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="207" />
        <source>Change the text size</source>
        <translation>修改字号</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="223" />
        <source>Edit the link text</source>
        <translation>编辑链接文字</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="242" />
        <source>Select an item on the diagram to see and edit its properties.</source>
        <translation>在图上选择一个对象以查看和编辑其属性。</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="243" />
        <source>Symbol</source>
        <translation>图元</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="243" />
        <source>Designation</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="244" />
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="244" />
        <source>Placement</source>
        <translation>放置</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="245" />
        <source>Length</source>
        <translation>长度</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="245" />
        <location filename="../../widgets/topology/properties.py" line="253" />
        <location filename="../../widgets/topology/properties.py" line="255" />
        <location filename="../../widgets/topology/properties.py" line="258" />
        <source>Layer</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="247" />
        <source>e.g. QF1 or 1#主变</source>
        <translation>例如 QF1 或 1#主变</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="248" />
        <location filename="../../widgets/topology/properties.py" line="444" />
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="249" />
        <location filename="../../widgets/topology/properties.py" line="446" />
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="250" />
        <source> grid units</source>
        <translation> 格</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="251" />
        <source>States bound to points</source>
        <translation>状态绑定的测点</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="252" />
        <source>Winding voltages</source>
        <translation>绕组电压</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="253" />
        <source>Words</source>
        <translation>文字</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="253" />
        <source>Size</source>
        <translation>字号</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="255" />
        <source>Opens diagram</source>
        <translation>打开的图</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="255" />
        <location filename="../../widgets/topology/properties.py" line="338" />
        <source>Text</source>
        <translation>文字</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="259" />
        <source>This item is on a locked layer; unlock the layer to change it.</source>
        <translation>此对象在锁定的图层上；解锁该图层后才能修改。</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="273" />
        <source>%1 (not a point of the site)</source>
        <translation>%1（本站没有该测点）</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="280" />
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="283" />
        <source>%1 (not a device of the site)</source>
        <translation>%1（本站没有该设备）</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="333" />
        <source>Nothing selected</source>
        <translation>未选择</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="344" />
        <source>Link to another diagram</source>
        <translation>到其他图的链接</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="367" />
        <source>Wire</source>
        <translation>连线</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="368" />
        <source>A wire from %1 to %2; it goes with its symbols' layer.</source>
        <translation>从 %1 到 %2 的连线；随其图元所在图层。</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="371" />
        <source>%1 items selected</source>
        <translation>已选择 %1 个对象</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="372" />
        <source>Choose a layer to move them all to it (wires go with their symbols).</source>
        <translation>选择一个图层，把它们全部移过去（连线随其图元）。</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="383" />
        <location filename="../../widgets/topology/properties.py" line="385" />
        <source>Base layer</source>
        <translation>基础图层</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="400" />
        <source>rotated %1°</source>
        <translation>旋转 %1°</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="401" />
        <source>%1, mirrored</source>
        <translation>%1，镜像</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="413" />
        <source>not bound</source>
        <translation>未绑定</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="440" />
        <source> (optional)</source>
        <translation>（可选）</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="467" />
        <source>Winding %1</source>
        <translation>绕组 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="507" />
        <source>Rename</source>
        <translation>修改编号</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="515" />
        <source>Bind the device</source>
        <translation>绑定设备</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="534" />
        <source>Bind %1</source>
        <translation>绑定 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="534" />
        <source>Unbind %1</source>
        <translation>解除绑定 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="540" />
        <source>Change the length</source>
        <translation>修改长度</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="546" />
        <source>Change the winding voltage</source>
        <translation>修改绕组电压</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="553" />
        <source>Move to layer</source>
        <translation>移到图层</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="557" />
        <source>Link target</source>
        <translation>链接目标</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/properties.py" line="578" />
        <source>Add a value label</source>
        <translation>添加数值标签</translation>
    </message>
</context>
<context>
    <name>RangeDialog</name>
    <message>
        <location filename="../../widgets/trends/range_dialog.py" line="17" />
        <source>Time range</source>
        <translation>时间范围</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/range_dialog.py" line="22" />
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/range_dialog.py" line="23" />
        <source>To</source>
        <translation>到</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/range_dialog.py" line="46" />
        <source>The end must be after the start.</source>
        <translation>结束时间必须晚于开始时间。</translation>
    </message>
</context>
<context>
    <name>ReplayEventList</name>
    <message>
        <location filename="../../widgets/topology/replay_events.py" line="39" />
        <source>closed</source>
        <extracomment>A switching device's states (the symbols' state words) in the operator's words.</extracomment>
        <translation>合位</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/replay_events.py" line="40" />
        <source>open</source>
        <translation>分位</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/replay_events.py" line="41" />
        <source>withdrawn</source>
        <translation>抽出</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/replay_events.py" line="42" />
        <source>inserted</source>
        <translation>推入</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/replay_events.py" line="43" />
        <source>blown</source>
        <translation>熔断</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/replay_events.py" line="44" />
        <source>intact</source>
        <translation>完好</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/replay_events.py" line="101" />
        <source>Search again</source>
        <translation>重新查找</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/replay_events.py" line="102" />
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/replay_events.py" line="102" />
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/replay_events.py" line="114" />
        <source>Searching what happened…</source>
        <translation>正在查找发生的事件…</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/replay_events.py" line="116" />
        <source>The events cannot be read: %1</source>
        <translation>事件无法读取：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/replay_events.py" line="118" />
        <source>What happened in this window</source>
        <translation>此时段内发生的事件</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/replay_events.py" line="120" />
        <source>Nothing happened on this diagram in this window.</source>
        <translation>此时段内本图没有发生事件。</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/replay_events.py" line="144" />
        <source>%1 changed from %2 to %3</source>
        <translation>%1 由%2变为%3</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/replay_events.py" line="149" />
        <source>Alarm %1: %2 — %3</source>
        <translation>报警 %1：%2 — %3</translation>
    </message>
</context>
<context>
    <name>ReplayWindow</name>
    <message>
        <location filename="../../widgets/topology/replay.py" line="234" />
        <source>REPLAY — the plant as it was at the time below, not live</source>
        <translation>事故追忆 — 显示下方时刻的历史状态，非实时</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/replay.py" line="235" />
        <source>Replay of %1</source>
        <translation>事故追忆：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/replay.py" line="236" />
        <source>Site time (%1)</source>
        <translation>站点时间（%1）</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/replay.py" line="237" />
        <source>−%1 min</source>
        <translation>−%1 分</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/replay.py" line="237" />
        <source>−%1 s</source>
        <translation>−%1 秒</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/replay.py" line="238" />
        <source>+%1 min</source>
        <translation>+%1 分</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/replay.py" line="238" />
        <source>+%1 s</source>
        <translation>+%1 秒</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/replay.py" line="243" />
        <source>Show the plant %1 seconds earlier</source>
        <translation>显示提前 %1 秒的状态</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/replay.py" line="244" />
        <source>Show the plant %1 seconds later</source>
        <translation>显示推后 %1 秒的状态</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/replay.py" line="246" />
        <source>%1× speed</source>
        <translation>%1 倍速</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/replay.py" line="248" />
        <source>Another time:</source>
        <translation>其他时刻：</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/replay.py" line="249" />
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/replay.py" line="259" />
        <source>❚❚ Pause</source>
        <translation>❚❚ 暂停</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/replay.py" line="259" />
        <source>▶ Play</source>
        <translation>▶ 播放</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/replay.py" line="264" />
        <source>Loading…</source>
        <translation>正在载入…</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/replay.py" line="266" />
        <source>REPLAY</source>
        <translation>事故追忆</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/replay.py" line="270" />
        <source>%1 from the chosen time %2</source>
        <translation>距所选时刻 %2 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/replay.py" line="273" />
        <source>REPLAY %1</source>
        <translation>事故追忆 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/replay.py" line="379" />
        <source>The past values cannot be read: %1</source>
        <translation>历史数值无法读取：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/replay.py" line="401" />
        <source>The historian holds no value of this diagram at this time.</source>
        <translation>历史库中没有本图在此时刻的数值。</translation>
    </message>
</context>
<context>
    <name>ReportsPane</name>
    <message>
        <location filename="../../widgets/reports/pane.py" line="53" />
        <source>Save report</source>
        <translation>保存报表</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/pane.py" line="97" />
        <source>Yesterday</source>
        <translation>昨天</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/pane.py" line="97" />
        <source>Last month</source>
        <translation>上月</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/pane.py" line="98" />
        <source>This month</source>
        <translation>本月</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/pane.py" line="98" />
        <source>This year</source>
        <translation>今年</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/pane.py" line="103" />
        <source>Export to Excel…</source>
        <translation>导出 Excel…</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/pane.py" line="105" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/pane.py" line="117" />
        <source>Report</source>
        <translation>报表</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/pane.py" line="119" />
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/pane.py" line="121" />
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/pane.py" line="124" />
        <source>Language</source>
        <translation>报表语言</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/pane.py" line="135" />
        <source>Energy analysis</source>
        <translation>能耗分析</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/pane.py" line="137" />
        <source>Losses and transformers</source>
        <translation>损耗与变压器</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/pane.py" line="140" />
        <source>Custom reports</source>
        <translation>自定义报表</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/pane.py" line="144" />
        <source>Scheduled reports run on the server (python -m app serve --reports DIR) from the jobs.json in its reports folder.</source>
        <translation>定时报表在服务器上运行（python -m app serve --reports 目录），任务见其报表文件夹中的 jobs.json。</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/pane.py" line="149" />
        <location filename="../../widgets/reports/pane.py" line="212" />
        <source>Scheduled reports</source>
        <translation>定时报表</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/pane.py" line="176" />
        <source>The site file has no usable tariff, so reports cannot price energy: %1</source>
        <translation>站点文件没有可用的电价，报表无法计算电费：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/pane.py" line="177" />
        <location filename="../../widgets/reports/pane.py" line="265" />
        <source>no tariff section</source>
        <translation>缺少 tariff 电价段</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/pane.py" line="182" />
        <source>Your role may not export reports.</source>
        <translation>您的角色无权导出报表。</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/pane.py" line="197" />
        <source>Custom: %1</source>
        <translation>自定义：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/pane.py" line="264" />
        <source>Reports need the site's tariff: %1</source>
        <translation>报表需要站点的电价配置：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/pane.py" line="290" />
        <source>Making the report…</source>
        <translation>正在生成报表…</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/pane.py" line="300" />
        <source>Writing… %1 rows</source>
        <translation>正在写入… %1 行</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/pane.py" line="304" />
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/pane.py" line="310" />
        <source>The report was cancelled; nothing was written.</source>
        <translation>报表已取消，未写入任何文件。</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/pane.py" line="314" />
        <source>The report could not be made: %1</source>
        <translation>报表未能生成：%1</translation>
    </message>
</context>
<context>
    <name>ShelveDialog</name>
    <message>
        <location filename="../../widgets/alarms/dialogs.py" line="60" />
        <source>Shelve alarm</source>
        <translation>搁置报警</translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/alarms/dialogs.py" line="69" />
        <source>%n minute(s)</source>
        <translation><numerusform>%n 分钟</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/alarms/dialogs.py" line="71" />
        <source>%n hour(s)</source>
        <translation><numerusform>%n 小时</numerusform></translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/dialogs.py" line="74" />
        <source>Shelve for:</source>
        <translation>搁置时长：</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/dialogs.py" line="76" />
        <source>Required: why it is held out of the way</source>
        <translation>必填：搁置原因</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/dialogs.py" line="77" />
        <source>Reason:</source>
        <translation>原因：</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/dialogs.py" line="83" />
        <source>Shelve</source>
        <translation>搁置</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/dialogs.py" line="84" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>SignInForm</name>
    <message>
        <location filename="../../widgets/auth/login.py" line="80" />
        <source>User name:</source>
        <translation>用户名：</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/login.py" line="81" />
        <source>Password:</source>
        <translation>密码：</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/login.py" line="82" />
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/login.py" line="97" />
        <source>Enter your user name and password.</source>
        <translation>请输入用户名和密码。</translation>
    </message>
</context>
<context>
    <name>SitePicker</name>
    <message>
        <location filename="../../widgets/topology/picker.py" line="187" />
        <source>Choose a point</source>
        <extracomment>Item data roles: what a row is ("room", "device", "point", "group") and its id; its search text.</extracomment>
        <translation>选择测点</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/picker.py" line="187" />
        <source>Choose a device</source>
        <translation>选择设备</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/picker.py" line="188" />
        <source>Search names or ids (Chinese or English)</source>
        <translation>搜索名称或编号（中文或英文）</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/picker.py" line="189" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/picker.py" line="189" />
        <source>Id</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/picker.py" line="189" />
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/picker.py" line="192" />
        <source>analog values</source>
        <translation>模拟量</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/picker.py" line="192" />
        <source>digital (on/off) signals</source>
        <translation>开关量</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/picker.py" line="193" />
        <source>counters (energy)</source>
        <translation>累计量（电能）</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/picker.py" line="195" />
        <source>Only points of these kinds can be chosen here: %1.</source>
        <translation>此处只能选择以下类型的测点：%1。</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/picker.py" line="199" />
        <source>Nothing matches the search.</source>
        <translation>没有符合搜索的结果。</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/picker.py" line="203" />
        <source>Devices in no room</source>
        <translation>未分配房间的设备</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/picker.py" line="205" />
        <source>Points of the site (calculated)</source>
        <translation>全站计算测点</translation>
    </message>
</context>
<context>
    <name>Snapshot</name>
    <message>
        <location filename="../../widgets/video/snapshot.py" line="41" />
        <source>Save snapshot</source>
        <translation>保存快照</translation>
    </message>
    <message>
        <location filename="../../widgets/video/snapshot.py" line="43" />
        <source>Images (*.png *.jpg *.jpeg)</source>
        <translation>图片 (*.png *.jpg *.jpeg)</translation>
    </message>
    <message>
        <location filename="../../widgets/video/snapshot.py" line="99" />
        <source>The snapshot could not be saved: %1</source>
        <translation>快照无法保存：%1</translation>
    </message>
</context>
<context>
    <name>SnapshotView</name>
    <message>
        <location filename="../../widgets/video/snapshot_view.py" line="55" />
        <source>Save the alarm snapshot</source>
        <translation>保存报警快照</translation>
    </message>
    <message>
        <location filename="../../widgets/video/snapshot_view.py" line="57" />
        <source>JPEG images (*.jpg *.jpeg)</source>
        <translation>JPEG 图片 (*.jpg *.jpeg)</translation>
    </message>
    <message>
        <location filename="../../widgets/video/snapshot_view.py" line="92" />
        <source>Alarm snapshot</source>
        <translation>报警快照</translation>
    </message>
    <message>
        <location filename="../../widgets/video/snapshot_view.py" line="106" />
        <source>Save as file…</source>
        <translation>另存为文件…</translation>
    </message>
    <message>
        <location filename="../../widgets/video/snapshot_view.py" line="138" />
        <source>No snapshot was taken for this alarm.</source>
        <translation>此报警没有拍摄快照。</translation>
    </message>
    <message>
        <location filename="../../widgets/video/snapshot_view.py" line="140" />
        <source>%1 — taken %2</source>
        <translation>%1 — 拍摄于 %2</translation>
    </message>
    <message>
        <location filename="../../widgets/video/snapshot_view.py" line="143" />
        <source>No snapshot: %1</source>
        <translation>无快照：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/video/snapshot_view.py" line="145" />
        <source>Loading the snapshot…</source>
        <translation>正在载入快照…</translation>
    </message>
    <message>
        <location filename="../../widgets/video/snapshot_view.py" line="154" />
        <source>The snapshot could not be read as a picture.</source>
        <translation>快照无法作为图片读取。</translation>
    </message>
    <message>
        <location filename="../../widgets/video/snapshot_view.py" line="157" />
        <source>%1 — taken %2 — %3 × %4</source>
        <translation>%1 — 拍摄于 %2 — %3 × %4</translation>
    </message>
    <message>
        <location filename="../../widgets/video/snapshot_view.py" line="165" />
        <source>The snapshot could not be loaded: %1</source>
        <translation>无法载入快照：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/video/snapshot_view.py" line="212" />
        <source>The snapshot could not be saved: %1</source>
        <translation>无法保存快照：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/video/snapshot_view.py" line="214" />
        <source>Saved to %1</source>
        <translation>已保存到 %1</translation>
    </message>
</context>
<context>
    <name>SourceBridge</name>
    <message>
        <location filename="../../widgets/bridge.py" line="247" />
        <source>A request to the data source failed: {0}</source>
        <extracomment>How often the source's status is read for the status bar, in seconds. The "[Errno 98] " / "[WinError 10048] " head of an OSError's text: a number, not words. An alarm delivery this large means a flood: the next one waits FLOOD_GAP_S instead of 1/rate_hz.</extracomment>
        <translation>向数据源的请求失败：{0}</translation>
    </message>
    <message>
        <location filename="../../widgets/bridge.py" line="256" />
        <source>The data source could not start: {0}</source>
        <translation>数据源无法启动：{0}</translation>
    </message>
    <message>
        <location filename="../../widgets/bridge.py" line="259" />
        <source>The data source stopped working: {0}</source>
        <translation>数据源停止工作：{0}</translation>
    </message>
</context>
<context>
    <name>SymbolPalette</name>
    <message>
        <location filename="../../widgets/topology/palette.py" line="39" />
        <source>Sources</source>
        <extracomment>Palette groups by what a symbol does electrically (the symbol's ``kind``), in drawing order.</extracomment>
        <translation>电源</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/palette.py" line="40" />
        <source>Switching devices</source>
        <translation>开关设备</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/palette.py" line="41" />
        <source>Busbars and lines</source>
        <translation>母线与线路</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/palette.py" line="42" />
        <source>Transformers</source>
        <translation>变压器与互感器</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/palette.py" line="43" />
        <source>Loads and equipment</source>
        <translation>负荷与设备</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/palette.py" line="44" />
        <source>Device badges</source>
        <translation>设备标识</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/palette.py" line="45" />
        <source>Other symbols</source>
        <translation>其他图元</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/palette.py" line="156" />
        <source>Search symbols (name, id or kind)</source>
        <translation>搜索图元（名称、编号或类型）</translation>
    </message>
</context>
<context>
    <name>TemplateEditor</name>
    <message>
        <location filename="../../widgets/reports/templates.py" line="43" />
        <source>Filter points by name or id</source>
        <translation>按名称或编号筛选测点</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/templates.py" line="47" />
        <source>Average</source>
        <translation>平均值</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/templates.py" line="47" />
        <source>Minimum</source>
        <translation>最小值</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/templates.py" line="47" />
        <source>Maximum</source>
        <translation>最大值</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/templates.py" line="48" />
        <source>Value at the start</source>
        <translation>期初值</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/templates.py" line="48" />
        <source>Last value</source>
        <translation>期末值</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/templates.py" line="49" />
        <source>Growth of a counter (energy)</source>
        <translation>计数增量（电量）</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/templates.py" line="50" />
        <source>Integral (kW to kWh)</source>
        <translation>积分（kW 累计为 kWh）</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/templates.py" line="53" />
        <source>15 minutes</source>
        <translation>15 分钟</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/templates.py" line="53" />
        <source>Hour</source>
        <translation>小时</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/templates.py" line="53" />
        <source>Day</source>
        <translation>日</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/templates.py" line="54" />
        <source>Month</source>
        <translation>月</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/templates.py" line="54" />
        <source>Year</source>
        <translation>年</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/templates.py" line="57" />
        <source>Rows are times</source>
        <translation>按时间成行</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/templates.py" line="58" />
        <source>Rows are points</source>
        <translation>按测点成行</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/templates.py" line="59" />
        <source>Save template</source>
        <translation>保存模板</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/templates.py" line="61" />
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/templates.py" line="67" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/templates.py" line="68" />
        <source>Aggregation</source>
        <translation>统计方式</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/templates.py" line="69" />
        <source>Interval</source>
        <translation>统计周期</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/templates.py" line="70" />
        <source>Layout</source>
        <translation>排列</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/templates.py" line="84" />
        <source>Saved templates</source>
        <translation>已保存的模板</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/templates.py" line="148" />
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/reports/templates.py" line="150" />
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
</context>
<context>
    <name>TrendView</name>
    <message>
        <location filename="../../widgets/trends/view.py" line="130" />
        <source>Live</source>
        <translation>实时</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="134" />
        <source>Last hour</source>
        <translation>最近 1 小时</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="134" />
        <source>Last day</source>
        <translation>最近 1 天</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="134" />
        <source>Last week</source>
        <translation>最近 1 周</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="140" />
        <source>Custom…</source>
        <translation>自定义…</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="146" />
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="147" />
        <source>Export PNG…</source>
        <translation>导出 PNG…</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="157" />
        <source>Export visible data</source>
        <translation>导出可见数据</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="157" />
        <source>CSV (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="162" />
        <source>Export plot</source>
        <translation>导出曲线图</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="162" />
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="172" />
        <source>Saved {path}</source>
        <translation>已保存 {path}</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="182" />
        <source>There is no point {point} on this site.</source>
        <translation>本站点没有测点 {point}。</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="184" />
        <source>A trend holds at most {n} pens.</source>
        <translation>一个趋势最多 {n} 条曲线。</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="252" />
        <location filename="../../widgets/trends/view.py" line="316" />
        <source>The end of the range must be after its start.</source>
        <translation>结束时间必须晚于开始时间。</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="272" />
        <source>Recorded samples: {shown} of {total} points drawn; add others by dropping them here.</source>
        <translation>录波数据：已绘制 {total} 个测点中的 {shown} 个；可将其他测点拖放到此处。</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="394" />
        <source>The history of {point} could not be read: {error}</source>
        <translation>无法读取 {point} 的历史数据：{error}</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="458" />
        <source>Cursor: {time}</source>
        <translation>光标：{time}</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="481" />
        <source>Cannot write the image {path}.</source>
        <translation>无法写入图像 {path}。</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="513" />
        <source>Not on this site: {points}</source>
        <translation>不属于本站点：{points}</translation>
    </message>
</context>
<context>
    <name>UserDialog</name>
    <message>
        <location filename="../../widgets/auth/users.py" line="67" />
        <source>New user</source>
        <translation>新用户</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="67" />
        <source>User %1</source>
        <translation>用户 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="75" />
        <source>User name:</source>
        <translation>用户名：</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="76" />
        <source>Display name:</source>
        <translation>显示名称：</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="77" />
        <source>Role:</source>
        <translation>角色：</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="78" />
        <source>Rooms (none ticked: every room)</source>
        <translation>房间（都不勾选：全部房间）</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="85" />
        <source>May sign in (enabled)</source>
        <translation>允许登录（启用）</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="86" />
        <source>Unlock (clear the failed logins)</source>
        <translation>解锁（清除登录失败次数）</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="87" />
        <source>Set a new password</source>
        <translation>设置新密码</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="106" />
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="107" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>UsersDialog</name>
    <message>
        <location filename="../../widgets/auth/users.py" line="205" />
        <location filename="../../widgets/auth/users.py" line="363" />
        <source>Users</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="208" />
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="208" />
        <source>Display name</source>
        <translation>显示名称</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="208" />
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="208" />
        <source>Rooms</source>
        <translation>房间</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="208" />
        <source>Enabled</source>
        <translation>启用</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="209" />
        <source>Locked</source>
        <translation>锁定</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="218" />
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="219" />
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="220" />
        <location filename="../../widgets/auth/users.py" line="292" />
        <source>Disable…</source>
        <translation>停用…</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="221" />
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="222" />
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="223" />
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="258" />
        <source>All rooms</source>
        <translation>全部房间</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="262" />
        <source>until %1</source>
        <translation>至 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="264" />
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="264" />
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="292" />
        <source>Enable</source>
        <translation>启用</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="309" />
        <source>User %1 added.</source>
        <translation>已添加用户 %1。</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="317" />
        <source>User %1 saved.</source>
        <translation>已保存用户 %1。</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="340" />
        <source>User %1 may sign in again.</source>
        <translation>用户 %1 可以重新登录。</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="343" />
        <source>Disable user %1? They cannot sign in any more and are signed out now, until an administrator enables them again.</source>
        <translation>停用用户 %1？其将立即被登出，且在管理员重新启用前无法登录。</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="345" />
        <source>Disable</source>
        <translation>停用</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="347" />
        <source>User %1 disabled.</source>
        <translation>已停用用户 %1。</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="356" />
        <source>Delete user %1? This cannot be undone; the audit log keeps what they did.</source>
        <translation>删除用户 %1？此操作无法撤销；审计日志仍保留其操作记录。</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="357" />
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="359" />
        <source>User %1 deleted.</source>
        <translation>已删除用户 %1。</translation>
    </message>
    <message>
        <location filename="../../widgets/auth/users.py" line="367" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>ValueLabelTable</name>
    <message>
        <location filename="../../widgets/topology/label_table.py" line="80" />
        <source>Value labels</source>
        <extracomment>Formats offered (any Python format spec may be typed). The value a label's preview formats.</extracomment>
        <translation>数值标签</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/label_table.py" line="81" />
        <source>Point</source>
        <translation>测点</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/label_table.py" line="81" />
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/label_table.py" line="81" />
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/label_table.py" line="82" />
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/label_table.py" line="83" />
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/label_table.py" line="84" />
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/label_table.py" line="167" />
        <source>Edit a value label</source>
        <translation>编辑数值标签</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/label_table.py" line="173" />
        <source>'%1' is not a number format; try .1f (one decimal).</source>
        <translation>“%1”不是数字格式；可试 .1f（一位小数）。</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/label_table.py" line="185" />
        <source>Remove a value label</source>
        <translation>删除数值标签</translation>
    </message>
</context>
<context>
    <name>VideoGrid</name>
    <message>
        <location filename="../../widgets/video/grid.py" line="69" />
        <source>Snapshot saved: %1</source>
        <translation>快照已保存：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/video/grid.py" line="207" />
        <source>No picture to save yet.</source>
        <translation>还没有可保存的画面。</translation>
    </message>
    <message>
        <location filename="../../widgets/video/grid.py" line="215" />
        <source>No picture to copy yet.</source>
        <translation>还没有可复制的画面。</translation>
    </message>
    <message>
        <location filename="../../widgets/video/grid.py" line="218" />
        <source>Snapshot copied to the clipboard.</source>
        <translation>快照已复制到剪贴板。</translation>
    </message>
    <message>
        <location filename="../../widgets/video/grid.py" line="225" />
        <source>Choose camera</source>
        <translation>选择摄像机</translation>
    </message>
    <message>
        <location filename="../../widgets/video/grid.py" line="234" />
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <location filename="../../widgets/video/grid.py" line="238" />
        <source>Snapshot to file…</source>
        <translation>快照保存到文件…</translation>
    </message>
    <message>
        <location filename="../../widgets/video/grid.py" line="241" />
        <source>Copy snapshot</source>
        <translation>复制快照</translation>
    </message>
    <message>
        <location filename="../../widgets/video/grid.py" line="245" />
        <source>Full screen</source>
        <translation>全屏</translation>
    </message>
</context>
<context>
    <name>VideoPane</name>
    <message>
        <location filename="../../widgets/video/pane.py" line="83" />
        <source>1 camera</source>
        <translation>1 画面</translation>
    </message>
    <message>
        <location filename="../../widgets/video/pane.py" line="83" />
        <source>4 cameras</source>
        <translation>4 画面</translation>
    </message>
    <message>
        <location filename="../../widgets/video/pane.py" line="83" />
        <source>9 cameras</source>
        <translation>9 画面</translation>
    </message>
    <message>
        <location filename="../../widgets/video/pane.py" line="86" />
        <source>Camera list</source>
        <translation>摄像机列表</translation>
    </message>
    <message>
        <location filename="../../widgets/video/pane.py" line="87" />
        <source>Show or hide the list of cameras</source>
        <translation>显示或隐藏摄像机列表</translation>
    </message>
    <message>
        <location filename="../../widgets/video/pane.py" line="108" />
        <source>This site has no camera %1.</source>
        <translation>本站没有摄像机 %1。</translation>
    </message>
</context>
<context>
    <name>VideoTile</name>
    <message>
        <location filename="../../widgets/video/overlay.py" line="143" />
        <source>Drag a camera here</source>
        <translation>将摄像机拖到这里</translation>
    </message>
    <message>
        <location filename="../../widgets/video/tile.py" line="203" />
        <source>Camera address unknown</source>
        <extracomment>How long the reason a camera was brought up (an alarm's text) stays on its tile. After a failed address lookup, when to ask again (while the tile is shown).</extracomment>
        <translation>无法获得摄像机地址</translation>
    </message>
    <message>
        <location filename="../../widgets/video/tile.py" line="219" />
        <source>Retrying in %1 s</source>
        <translation>%1 秒后重试</translation>
    </message>
    <message>
        <location filename="../../widgets/video/tile.py" line="219" />
        <source>Reconnecting…</source>
        <translation>正在重新连接…</translation>
    </message>
</context>
<context>
    <name>_CrashReport</name>
    <message>
        <location filename="../../widgets/runtime.py" line="133" />
        <source>SwitchRoom: unexpected error</source>
        <extracomment>Where the console's compiled translations (switchroom_&lt;lang&gt;.qm) are shipped. Fonts with Simplified Chinese glyphs, best first: Noto (Linux, bundled), then Windows and macOS.</extracomment>
        <translation>SwitchRoom：意外错误</translation>
    </message>
    <message>
        <location filename="../../widgets/runtime.py" line="134" />
        <source>An unexpected error happened. It was written to the log; the console keeps running.</source>
        <translation>发生了意外错误，已写入日志；监控软件继续运行。</translation>
    </message>
    <message>
        <location filename="../../widgets/runtime.py" line="135" />
        <source>{0}
(in the thread {1})</source>
        <translation>{0}
（线程 {1}）</translation>
    </message>
</context>
<context>
    <name>_PasswordFormDialog</name>
    <message>
        <location filename="../../widgets/auth/login.py" line="213" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
</TS>