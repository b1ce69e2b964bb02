<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>DeviceBrowser</name>
    <message>
        <location filename="../../widgets/devices.py" line="513" />
        <source>Filter by id, Chinese or English name</source>
        <translation>按编号、中文或英文名称筛选</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="514" />
        <source>Show only problems</source>
        <translation>只看异常</translation>
    </message>
</context>
<context>
    <name>DeviceTreeModel</name>
    <message>
        <location filename="../../widgets/devices.py" line="227" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="227" />
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="227" />
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="227" />
        <source>Quality</source>
        <translation>质量</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="227" />
        <source>Last update</source>
        <translation>最后更新</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="266" />
        <source>Calculated points</source>
        <translation>计算点</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="290" />
        <source>good</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="291" />
        <source>stale</source>
        <translation>数据陈旧</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="292" />
        <location filename="../../widgets/devices.py" line="298" />
        <source>comm fail</source>
        <translation>通讯中断</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="293" />
        <source>bad value</source>
        <translation>数值异常</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="297" />
        <source>online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="297" />
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="297" />
        <source>ok</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../widgets/devices.py" line="298" />
        <source>no data yet</source>
        <translation>尚无数据</translation>
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
        <location filename="../../widgets/main_window.py" line="68" />
        <source>No active alarms</source>
        <translation>无活动报警</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="70" />
        <source>Active alarms: %n</source>
        <translation>活动报警：%n 条</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="133" />
        <location filename="../../widgets/main_window.py" line="299" />
        <location filename="../../widgets/main_window.py" line="432" />
        <source>SwitchRoom</source>
        <translation>SwitchRoom 配电房监控</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="103" />
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="159" />
        <source>Source: starting…</source>
        <translation>数据源：启动中…</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="160" />
        <source>Gateways: –</source>
        <translation>网关：–</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="161" />
        <source>Database: –</source>
        <translation>数据库：–</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="163" />
        <source>Not logged in</source>
        <translation>未登录</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="172" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="174" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="180" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="183" />
        <source>&amp;Full screen</source>
        <translation>全屏(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="188" />
        <source>&amp;Reset layout</source>
        <translation>恢复默认布局(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="193" />
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="195" />
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="196" />
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="204" />
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="214" />
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="216" />
        <source>New &amp;trend</source>
        <translation>新建趋势(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="221" />
        <source>&amp;Save trend as set…</source>
        <translation>保存趋势组(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="225" />
        <source>&amp;Open trend set</source>
        <translation>打开趋势组(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="229" />
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="130" />
        <source>SwitchRoom — %1</source>
        <translation>SwitchRoom — %1</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="248" />
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="277" />
        <source>direct</source>
        <translation>直连</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="279" />
        <source>cloud</source>
        <translation>云端</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="281" />
        <source>Source: %1</source>
        <translation>数据源：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="283" />
        <source>Gateways online: %1/%2</source>
        <translation>网关在线：%1/%2</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="288" />
        <source>Database: %1</source>
        <translation>数据库：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="289" />
        <source>OK</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="318" />
        <source>Trend %1</source>
        <translation>趋势 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="359" />
        <source>Save trend set</source>
        <translation>保存趋势组</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="360" />
        <source>Name of the set:</source>
        <translation>趋势组名称：</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="433" />
        <source>The change takes effect when the console restarts.</source>
        <translation>更改将在监控软件重新启动后生效。</translation>
    </message>
</context>
<context>
    <name>OverviewView</name>
    <message>
        <location filename="../../widgets/overview.py" line="200" />
        <source>Incoming power (kW)</source>
        <translation>进线功率 (kW)</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="202" />
        <source>Gateways online</source>
        <translation>网关在线</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="203" />
        <source>Devices answering / silent / no data</source>
        <translation>设备 应答/无应答/无数据</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="208" />
        <source>Active alarms</source>
        <translation>活动报警</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="224" />
        <location filename="../../widgets/overview.py" line="332" />
        <source>Level %1</source>
        <translation>%1 级</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="242" />
        <source>%1: power (kW)</source>
        <translation>%1：功率 (kW)</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="265" />
        <source>Room temperature (°C)</source>
        <translation>室内温度 (°C)</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="266" />
        <source>Humidity (%RH)</source>
        <translation>湿度 (%RH)</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="267" />
        <source>Smoke detector</source>
        <translation>烟雾探测</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="268" />
        <source>Water leak</source>
        <translation>水浸</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="269" />
        <source>Door</source>
        <translation>门磁</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="270" />
        <source>Intrusion detector</source>
        <translation>红外入侵</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="294" />
        <source>Load rate (%)</source>
        <translation>负载率 (%)</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="295" />
        <source>Apparent power (kVA)</source>
        <translation>视在功率 (kVA)</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="299" />
        <source>Winding %1 (°C)</source>
        <translation>%1 相绕组 (°C)</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="318" />
        <source>%1: energy since %2 (kWh)</source>
        <translation>%1：%2 以来电量 (kWh)</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="319" />
        <source>Energy since %1 (kWh)</source>
        <translation>%1 以来电量 (kWh)</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="321" />
        <source>%1: today's energy (kWh)</source>
        <translation>%1：今日电量 (kWh)</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="322" />
        <source>Today's energy (kWh)</source>
        <translation>今日电量 (kWh)</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="506" />
        <source>Tripped on temperature</source>
        <translation>超温跳闸</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="508" />
        <source>Over-temperature alarm</source>
        <translation>超温报警</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="510" />
        <location filename="../../widgets/overview.py" line="527" />
        <source>No data</source>
        <translation>无数据</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="512" />
        <source>Overloaded</source>
        <translation>过负荷</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="514" />
        <source>High load or temperature</source>
        <translation>负荷或温度偏高</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="516" />
        <source>Normal</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="530" />
        <location filename="../../widgets/overview.py" line="533" />
        <source>Clear</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="530" />
        <source>Smoke!</source>
        <translation>烟雾报警！</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="531" />
        <source>Dry</source>
        <translation>无水</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="531" />
        <source>Water leak!</source>
        <translation>水浸报警！</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="532" />
        <source>Closed</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="532" />
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="533" />
        <source>Intrusion!</source>
        <translation>入侵报警！</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="552" />
        <source>Gateways online: %1 of %2 · devices answering: %3 of %4</source>
        <translation>网关在线：%1/%2 · 设备应答：%3/%4</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="561" />
        <source>Data source not running</source>
        <translation>数据源未运行</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="564" />
        <source>Database: %1</source>
        <translation>数据库：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/overview.py" line="567" />
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
    <name>SourceBridge</name>
    <message>
        <location filename="../../widgets/bridge.py" line="201" />
        <source>A request to the data source failed: {0}</source>
        <extracomment>How often the source's status is read for the status bar, in seconds. The "[Errno 98] " / "[WinError 10048] " head of an OSError's text: a number, not words.</extracomment>
        <translation>向数据源的请求失败：{0}</translation>
    </message>
    <message>
        <location filename="../../widgets/bridge.py" line="210" />
        <source>The data source could not start: {0}</source>
        <translation>数据源无法启动：{0}</translation>
    </message>
    <message>
        <location filename="../../widgets/bridge.py" line="213" />
        <source>The data source stopped working: {0}</source>
        <translation>数据源停止工作：{0}</translation>
    </message>
</context>
<context>
    <name>TrendView</name>
    <message>
        <location filename="../../widgets/trends/view.py" line="126" />
        <source>Live</source>
        <translation>实时</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="130" />
        <source>Last hour</source>
        <translation>最近 1 小时</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="130" />
        <source>Last day</source>
        <translation>最近 1 天</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="130" />
        <source>Last week</source>
        <translation>最近 1 周</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="136" />
        <source>Custom…</source>
        <translation>自定义…</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="142" />
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="143" />
        <source>Export PNG…</source>
        <translation>导出 PNG…</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="153" />
        <source>Export visible data</source>
        <translation>导出可见数据</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="153" />
        <source>CSV (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="158" />
        <source>Export plot</source>
        <translation>导出曲线图</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="158" />
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="168" />
        <source>Saved {path}</source>
        <translation>已保存 {path}</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="178" />
        <source>There is no point {point} on this site.</source>
        <translation>本站点没有测点 {point}。</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="180" />
        <source>A trend holds at most {n} pens.</source>
        <translation>一个趋势最多 {n} 条曲线。</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="253" />
        <source>The end of the range must be after its start.</source>
        <translation>结束时间必须晚于开始时间。</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="326" />
        <source>The history of {point} could not be read: {error}</source>
        <translation>无法读取 {point} 的历史数据：{error}</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="377" />
        <source>Cursor: {time}</source>
        <translation>光标：{time}</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="400" />
        <source>Cannot write the image {path}.</source>
        <translation>无法写入图像 {path}。</translation>
    </message>
    <message>
        <location filename="../../widgets/trends/view.py" line="432" />
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