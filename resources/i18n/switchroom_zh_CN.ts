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
    <name>AlarmConsole</name>
    <message>
        <location filename="../../widgets/alarms/console.py" line="191" />
        <source>Nothing to acknowledge: the alarms are acknowledged already or gone.</source>
        <extracomment>What opens a fault record as a trend: (title, samples per point, start ms, end ms, the alarm's point).</extracomment>
        <translation>没有需要确认的报警：这些报警已确认或已消失。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/alarms/console.py" line="210" />
        <source>%n alarm(s) acknowledged</source>
        <translation><numerusform>已确认 %n 条报警</numerusform></translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/console.py" line="233" />
        <source>Alarm shelved until %1</source>
        <translation>报警已搁置至 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/console.py" line="250" />
        <source>%1 is a device or gateway, not a point: it has no trend.</source>
        <translation>%1 是设备或网关而非测点，没有趋势。</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/console.py" line="254" />
        <source>Could not acknowledge: %1</source>
        <translation>无法确认：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/console.py" line="255" />
        <source>Could not shelve: %1</source>
        <translation>无法搁置：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/console.py" line="256" />
        <source>Could not unshelve: %1</source>
        <translation>无法取消搁置：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/console.py" line="257" />
        <source>Could not read the active alarms: %1</source>
        <translation>无法读取活动报警：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/console.py" line="258" />
        <source>Could not search the journal: %1</source>
        <translation>无法查询报警日志：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/console.py" line="259" />
        <source>Could not open the fault record: %1</source>
        <translation>无法打开故障录波：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/console.py" line="292" />
        <location filename="../../widgets/alarms/console.py" line="294" />
        <source>Alarm %1 has no fault record.</source>
        <translation>报警 %1 没有故障录波。</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/console.py" line="305" />
        <source>Fault record %1 (%2)</source>
        <translation>故障录波 %1（%2）</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/console.py" line="334" />
        <source>The export to %1 failed: %2</source>
        <translation>导出到 %1 失败：%2</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/console.py" line="336" />
        <source>Exported to %1</source>
        <translation>已导出到 %1</translation>
    </message>
</context>
<context>
    <name>AlarmList</name>
    <message>
        <location filename="../../widgets/alarms/table.py" line="535" />
        <source>All rooms</source>
        <translation>全部房间</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="537" />
        <source>All devices</source>
        <translation>全部设备</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="540" />
        <source>Any state</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="542" />
        <source>Any time</source>
        <translation>全部时间</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="542" />
        <source>Last hour</source>
        <translation>最近 1 小时</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="542" />
        <source>Last 24 hours</source>
        <translation>最近 24 小时</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="543" />
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="543" />
        <source>Last 30 days</source>
        <translation>最近 30 天</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="543" />
        <source>From … to …</source>
        <translation>自定义时段</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="546" />
        <source>Text in message, point, device or comment</source>
        <translation>按报警内容、测点、设备或备注筛选</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="547" />
        <source>Active</source>
        <translation>活动报警</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="548" />
        <source>History</source>
        <translation>历史报警</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="549" />
        <source>Acknowledge…</source>
        <translation>确认…</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="550" />
        <source>Shelve…</source>
        <translation>搁置…</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="551" />
        <source>Unshelve</source>
        <translation>取消搁置</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="552" />
        <source>Trend</source>
        <translation>趋势</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="553" />
        <source>Fault record</source>
        <translation>故障录波</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="554" />
        <source>Export to Excel…</source>
        <translation>导出 Excel…</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="555" />
        <source>◀ Newer</source>
        <translation>◀ 较新</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="556" />
        <source>Older ▶</source>
        <translation>较早 ▶</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="557" />
        <source>Search again</source>
        <translation>重新查询</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="613" />
        <source>levels %1</source>
        <translation>级别 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="621" />
        <source>no filter</source>
        <translation>无筛选</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="639" />
        <source>Searching the journal…</source>
        <translation>正在查询报警日志…</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="652" />
        <source>The journal could not be searched: %1</source>
        <translation>无法查询报警日志：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="658" />
        <source>Page %1</source>
        <translation>第 %1 页</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="665" />
        <source>%1 of %2 shown</source>
        <translation>显示 %1 / 共 %2 条</translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/alarms/table.py" line="667" />
        <source>%n journal rows</source>
        <translation><numerusform>%n 条日志记录</numerusform></translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="742" />
        <location filename="../../widgets/alarms/table.py" line="751" />
        <source>Active alarms</source>
        <translation>活动报警</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="742" />
        <location filename="../../widgets/alarms/table.py" line="751" />
        <source>Alarm history</source>
        <translation>历史报警</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="743" />
        <source>Export alarms</source>
        <translation>导出报警</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="744" />
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
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
        <location filename="../../widgets/alarms/table.py" line="212" />
        <source>Time</source>
        <extracomment>Time-range choices of the filter: (key, hours back; None: any time / custom).</extracomment>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="212" />
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="212" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="213" />
        <source>Change</source>
        <translation>变化</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="213" />
        <source>Room</source>
        <translation>房间</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="213" />
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="214" />
        <source>Point</source>
        <translation>测点</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="214" />
        <source>Message</source>
        <translation>报警内容</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="214" />
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="215" />
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="215" />
        <source>Comment / reason</source>
        <translation>备注 / 原因</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="261" />
        <source>until %1</source>
        <translation>至 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/alarms/table.py" line="285" />
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
        <location filename="../../widgets/devices.py" line="559" />
        <source>Filter by id, Chinese or English name</source>
        <translation>按编号、中文或英文名称筛选</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="560" />
        <source>Show only problems</source>
        <translation>只看异常</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="658" />
        <source>Open trend</source>
        <translation>打开趋势</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="659" />
        <source>Alarm limits…</source>
        <translation>报警限值…</translation>
    </message>
</context>
<context>
    <name>DeviceTreeModel</name>
    <message>
        <location filename="../../widgets/devices.py" line="241" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="241" />
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="241" />
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="241" />
        <source>Quality</source>
        <translation>质量</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="241" />
        <source>Last update</source>
        <translation>最后更新</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="280" />
        <source>Calculated points</source>
        <translation>计算点</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="304" />
        <source>good</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="305" />
        <source>stale</source>
        <translation>数据陈旧</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="306" />
        <location filename="../../widgets/devices.py" line="312" />
        <source>comm fail</source>
        <translation>通讯中断</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="307" />
        <source>bad value</source>
        <translation>数值异常</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="311" />
        <source>online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="311" />
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="311" />
        <source>ok</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="312" />
        <source>no data yet</source>
        <translation>尚无数据</translation>
    </message>
</context>
<context>
    <name>DiagramPane</name>
    <message>
        <location filename="../../widgets/topology/pane.py" line="63" />
        <source>Fit</source>
        <translation>适合窗口</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/pane.py" line="65" />
        <source>This site has no single-line diagram yet.</source>
        <translation>本站还没有一次系统图。</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/pane.py" line="80" />
        <source>Loading the diagram %1…</source>
        <translation>正在载入一次系统图 %1…</translation>
    </message>
    <message>
        <location filename="../../widgets/topology/pane.py" line="109" />
        <source>The diagram cannot be shown: %1</source>
        <translation>无法显示一次系统图：%1</translation>
    </message>
</context>
<context>
    <name>Launch</name>
    <message>
        <location filename="../../widgets/launch.py" line="71" />
        <source>The site file cannot be used:</source>
        <translation>站点文件无法使用：</translation>
    </message>
</context>
<context>
    <name>LimitsDialog</name>
    <message>
        <location filename="../../widgets/limits.py" line="44" />
        <source>Alarm limits: %1</source>
        <translation>报警限值：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="51" />
        <source>Limit</source>
        <translation>限值</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="51" />
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="51" />
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="55" />
        <source>HH (high high)</source>
        <translation>HH（超高限）</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="55" />
        <source>H (high)</source>
        <translation>H（高限）</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="55" />
        <source>L (low)</source>
        <translation>L（低限）</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="56" />
        <source>LL (low low)</source>
        <translation>LL（超低限）</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="61" />
        <source>1 critical</source>
        <translation>1 紧急</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="61" />
        <source>2 major</source>
        <translation>2 重要</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="61" />
        <source>3 minor</source>
        <translation>3 次要</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="62" />
        <source>4 notice</source>
        <translation>4 提示</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="75" />
        <location filename="../../widgets/limits.py" line="76" />
        <source>s</source>
        <translation>秒</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="77" />
        <source>Deadband</source>
        <translation>死区（回差）</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="77" />
        <source>On-delay</source>
        <translation>动作延时</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="78" />
        <source>Off-delay</source>
        <translation>复归延时</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="84" />
        <source>Back to the site file</source>
        <translation>恢复为站点文件的限值</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="95" />
        <source>Reading the limits in force…</source>
        <translation>正在读取生效的限值…</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="113" />
        <source>These limits were changed at runtime (over the site file).</source>
        <translation>这些限值是运行中修改的（覆盖站点文件）。</translation>
    </message>
    <message>
        <location filename="../../widgets/limits.py" line="114" />
        <source>These limits come from the site file.</source>
        <translation>这些限值来自站点文件。</translation>
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
        <location filename="../../widgets/main_window.py" line="115" />
        <location filename="../../widgets/main_window.py" line="327" />
        <location filename="../../widgets/main_window.py" line="485" />
        <source>SwitchRoom</source>
        <translation>SwitchRoom 配电房监控</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="84" />
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="140" />
        <source>Source: starting…</source>
        <translation>数据源：启动中…</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="141" />
        <source>Gateways: –</source>
        <translation>网关：–</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="142" />
        <source>Database: –</source>
        <translation>数据库：–</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="148" />
        <source>Not logged in</source>
        <translation>未登录</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="157" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="159" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="165" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="168" />
        <source>&amp;Full screen</source>
        <translation>全屏(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="173" />
        <source>&amp;Reset layout</source>
        <translation>恢复默认布局(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="178" />
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="180" />
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="181" />
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="189" />
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="199" />
        <source>&amp;Alarms</source>
        <translation>报警(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="201" />
        <source>Alarm &amp;list</source>
        <translation>报警列表(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="206" />
        <source>&amp;Mute the alarm sound for 5 minutes</source>
        <translation>报警声静音 5 分钟(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="211" />
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="213" />
        <source>New &amp;trend</source>
        <translation>新建趋势(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="218" />
        <source>&amp;Save trend as set…</source>
        <translation>保存趋势组(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="222" />
        <source>&amp;Open trend set</source>
        <translation>打开趋势组(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="226" />
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="112" />
        <source>SwitchRoom — %1</source>
        <translation>SwitchRoom — %1</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="242" />
        <source>Overview</source>
        <translation>监控总览</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="246" />
        <source>Single-line diagram</source>
        <translation>一次系统图</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="251" />
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="257" />
        <source>Alarms</source>
        <translation>报警</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="298" />
        <source>direct</source>
        <translation>直连</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="300" />
        <source>cloud</source>
        <translation>云端</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="302" />
        <source>Source: %1</source>
        <translation>数据源：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="304" />
        <source>Gateways online: %1/%2</source>
        <translation>网关在线：%1/%2</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="309" />
        <source>Database: %1</source>
        <translation>数据库：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="310" />
        <source>OK</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="318" />
        <source>Notification: %1</source>
        <translation>通知：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="355" />
        <source>Trend %1</source>
        <translation>趋势 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="412" />
        <source>Save trend set</source>
        <translation>保存趋势组</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="413" />
        <source>Name of the set:</source>
        <translation>趋势组名称：</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="486" />
        <source>The change takes effect when the console restarts.</source>
        <translation>更改将在监控软件重新启动后生效。</translation>
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
        <location filename="../../widgets/trends/view.py" line="307" />
        <source>The end of the range must be after its start.</source>
        <translation>结束时间必须晚于开始时间。</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="272" />
        <source>Recorded samples: {shown} of {total} points drawn; add others by dropping them here.</source>
        <translation>录波数据：已绘制 {total} 个测点中的 {shown} 个；可将其他测点拖放到此处。</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="385" />
        <source>The history of {point} could not be read: {error}</source>
        <translation>无法读取 {point} 的历史数据：{error}</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="449" />
        <source>Cursor: {time}</source>
        <translation>光标：{time}</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="472" />
        <source>Cannot write the image {path}.</source>
        <translation>无法写入图像 {path}。</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="504" />
        <source>Not on this site: {points}</source>
        <translation>不属于本站点：{points}</translation>
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
</TS>