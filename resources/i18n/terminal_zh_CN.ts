<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ActivityFeed</name>
    <message>
        <source>{order} ({order_id} at {broker})</source>
        <translation>{order}（{order_id}，{broker}）</translation>
    </message>
    <message>
        <source>Submitted {order}</source>
        <translation>已提交 {order}</translation>
    </message>
    <message>
        <source>Accepted {order}</source>
        <translation>已接受 {order}</translation>
    </message>
    <message>
        <source>Partly filled {filled} of {order}, average {price}</source>
        <translation>部分成交 {filled}（{order}），均价 {price}</translation>
    </message>
    <message>
        <source>Filled {order}, average {price}</source>
        <translation>已成交 {order}，均价 {price}</translation>
    </message>
    <message>
        <source>Cancelled {order}</source>
        <translation>已撤单 {order}</translation>
    </message>
    <message>
        <source>Rejected {order}: {reason}</source>
        <translation>已拒单 {order}：{reason}</translation>
    </message>
    <message>
        <source>no reason given</source>
        <translation>未说明原因</translation>
    </message>
    <message>
        <source>Expired {order}</source>
        <translation>已过期 {order}</translation>
    </message>
    <message>
        <source>{instance} ({strategy} on {symbols})</source>
        <translation>{instance}（{strategy}，{symbols}）</translation>
    </message>
    <message>
        <source>Strategy {instance} stopped by an error: {detail}</source>
        <translation>策略 {instance} 因错误停止：{detail}</translation>
    </message>
    <message>
        <source>Strategy {instance} removed</source>
        <translation>策略 {instance} 已移除</translation>
    </message>
    <message>
        <source>Strategy {instance} running: warm-up done</source>
        <translation>策略 {instance} 运行中：预热完成</translation>
    </message>
    <message>
        <source>Strategy {instance} started</source>
        <translation>策略 {instance} 已启动</translation>
    </message>
    <message>
        <source>Strategy {instance} stopped</source>
        <translation>策略 {instance} 已停止</translation>
    </message>
    <message>
        <source>Strategy {instance} added</source>
        <translation>策略 {instance} 已添加</translation>
    </message>
    <message>
        <source>Refused {command}: {reason}</source>
        <translation>已拒绝 {command}：{reason}</translation>
    </message>
    <message>
        <source>Kill switch: {reason}</source>
        <translation>紧急停止：{reason}</translation>
    </message>
</context>
<context>
    <name>AlertDialog</name>
    <message>
        <source>Edit alert</source>
        <translation>编辑提醒</translation>
    </message>
    <message>
        <source>New alert</source>
        <translation>新建提醒</translation>
    </message>
    <message>
        <source>Re-arm after it fires (once the condition has cleared)</source>
        <translation>触发后重新启用（条件解除后）</translation>
    </message>
    <message>
        <source>No mail</source>
        <translation>不发邮件</translation>
    </message>
    <message>
        <source>Mail through {broker}</source>
        <translation>通过 {broker} 发送邮件</translation>
    </message>
    <message>
        <source>Symbol</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Condition</source>
        <translation>条件</translation>
    </message>
    <message>
        <source>Quote</source>
        <translation>报价</translation>
    </message>
    <message>
        <source>When it</source>
        <translation>当其</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>价格</translation>
    </message>
    <message>
        <source>Percent</source>
        <translation>百分比</translation>
    </message>
    <message>
        <source>Timeframe</source>
        <translation>周期</translation>
    </message>
    <message>
        <source>Indicator</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>指标线</translation>
    </message>
    <message>
        <source>Mail</source>
        <translation>邮件</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>symbol &apos;{symbol}&apos;: no instrument of that name</source>
        <translation>代码 &apos;{symbol}&apos;：没有该合约</translation>
    </message>
</context>
<context>
    <name>AlertNotifier</name>
    <message>
        <source>Terminal alerts</source>
        <translation>交易终端提醒</translation>
    </message>
    <message>
        <source>Alert: {symbol}</source>
        <translation>提醒：{symbol}</translation>
    </message>
    <message>
        <source>{condition} — now {value}</source>
        <translation>{condition} — 当前 {value}</translation>
    </message>
</context>
<context>
    <name>AlertRelay</name>
    <message>
        <source>sent {time}</source>
        <translation>已发送 {time}</translation>
    </message>
    <message>
        <source>sending (attempt {attempt})</source>
        <translation>发送中（第 {attempt} 次）</translation>
    </message>
    <message>
        <source>retrying in {seconds} s (attempt {attempt} failed: {detail})</source>
        <translation>{seconds} 秒后重试（第 {attempt} 次失败：{detail}）</translation>
    </message>
    <message>
        <source>failed: {detail}</source>
        <translation>失败：{detail}</translation>
    </message>
</context>
<context>
    <name>AlertTestDialog</name>
    <message>
        <source>Test email</source>
        <translation>测试邮件</translation>
    </message>
    <message>
        <source>Send test email</source>
        <translation>发送测试邮件</translation>
    </message>
    <message>
        <source>No mail broker is configured: add [[brokers]] plugin = &quot;mail&quot;.</source>
        <translation>未配置邮件券商：请添加 [[brokers]] plugin = &quot;mail&quot;。</translation>
    </message>
    <message>
        <source>Mail broker</source>
        <translation>邮件券商</translation>
    </message>
    <message>
        <source>Sending through {broker}…</source>
        <translation>正在通过 {broker} 发送…</translation>
    </message>
</context>
<context>
    <name>Alerts</name>
    <message>
        <source>Last</source>
        <translation>最新价</translation>
    </message>
    <message>
        <source>Bid</source>
        <translation>买一</translation>
    </message>
    <message>
        <source>Ask</source>
        <translation>卖一</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>价格</translation>
    </message>
    <message>
        <source>Move on the day</source>
        <translation>当日涨跌幅</translation>
    </message>
    <message>
        <source>Bar close against an indicator</source>
        <translation>K线收盘相对指标</translation>
    </message>
    <message>
        <source>up by</source>
        <translation>上涨</translation>
    </message>
    <message>
        <source>down by</source>
        <translation>下跌</translation>
    </message>
    <message>
        <source>up or down by</source>
        <translation>涨跌</translation>
    </message>
    <message>
        <source>closes above</source>
        <translation>收于上方</translation>
    </message>
    <message>
        <source>closes below</source>
        <translation>收于下方</translation>
    </message>
    <message>
        <source>closes across</source>
        <translation>收盘穿越</translation>
    </message>
    <message>
        <source>rises to</source>
        <translation>涨至</translation>
    </message>
    <message>
        <source>falls to</source>
        <translation>跌至</translation>
    </message>
    <message>
        <source>crosses</source>
        <translation>穿越</translation>
    </message>
    <message>
        <source>{way} {percent}% on the day</source>
        <translation>当日{way} {percent}%</translation>
    </message>
    <message>
        <source>{timeframe} bar {way} {indicator}</source>
        <translation>{timeframe} K线{way} {indicator}</translation>
    </message>
    <message>
        <source>{field} {way} {price}</source>
        <translation>{field}{way} {price}</translation>
    </message>
    <message>
        <source>fired</source>
        <translation>已触发</translation>
    </message>
    <message>
        <source>armed, re-arms</source>
        <translation>已启用，可重复</translation>
    </message>
    <message>
        <source>armed</source>
        <translation>已启用</translation>
    </message>
</context>
<context>
    <name>AlertsPanel</name>
    <message>
        <source>New alert…</source>
        <translation>新建提醒…</translation>
    </message>
    <message>
        <source>Edit alert…</source>
        <translation>编辑提醒…</translation>
    </message>
    <message>
        <source>Re-arm</source>
        <translation>重新启用</translation>
    </message>
    <message>
        <source>Remove alert</source>
        <translation>删除提醒</translation>
    </message>
    <message>
        <source>Symbol</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Condition</source>
        <translation>条件</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Last fired</source>
        <translation>上次触发</translation>
    </message>
    <message>
        <source>At</source>
        <translation>价位</translation>
    </message>
    <message>
        <source>Mail</source>
        <translation>邮件</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>Trading record damaged</source>
        <translation>交易记录已损坏</translation>
    </message>
</context>
<context>
    <name>BacktestDialog</name>
    <message>
        <source>Backtest</source>
        <translation>回测</translation>
    </message>
    <message>
        <source>CSV or Parquet: symbol,datetime,open,high,low,close</source>
        <translation>CSV 或 Parquet：symbol,datetime,open,high,low,close</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>class default</source>
        <translation>策略默认</translation>
    </message>
    <message>
        <source>Run backtest</source>
        <translation>运行回测</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Strategy</source>
        <translation>策略</translation>
    </message>
    <message>
        <source>Symbols</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Timeframe</source>
        <translation>周期</translation>
    </message>
    <message>
        <source>Bars</source>
        <translation>K线</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>From</source>
        <translation>起始</translation>
    </message>
    <message>
        <source>Capital</source>
        <translation>初始资金</translation>
    </message>
    <message>
        <source>Warm-up bars</source>
        <translation>预热K线数</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Strategy: choose one</source>
        <translation>策略：请选择一个</translation>
    </message>
    <message>
        <source>Symbols: enter at least one symbol</source>
        <translation>代码：请至少输入一个代码</translation>
    </message>
    <message>
        <source>Bars: choose a bars file</source>
        <translation>K线：请选择K线文件</translation>
    </message>
    <message>
        <source>From: {start} is after {end}</source>
        <translation>起始：{start} 晚于 {end}</translation>
    </message>
    <message>
        <source>Optimising…</source>
        <translation>优化中…</translation>
    </message>
    <message>
        <source>Running…</source>
        <translation>运行中…</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Optimisation: {strategy}</source>
        <translation>参数优化：{strategy}</translation>
    </message>
    <message>
        <source>Done: {count} parameter sets</source>
        <translation>完成：{count} 组参数</translation>
    </message>
    <message>
        <source>Backtest: {strategy}</source>
        <translation>回测：{strategy}</translation>
    </message>
    <message>
        <source>{strategy} raised and stopped the backtest (traceback below and in the report)</source>
        <translation>{strategy} 抛出异常，回测已停止（错误堆栈见下方及报告）</translation>
    </message>
    <message>
        <source>Done: {fills} fills in {seconds} s</source>
        <translation>完成：{fills} 笔成交，用时 {seconds} 秒</translation>
    </message>
    <message>
        <source>Bars file</source>
        <translation>K线文件</translation>
    </message>
    <message>
        <source>Stored bars (data folder)</source>
        <translation>已存K线（数据文件夹）</translation>
    </message>
    <message>
        <source>This session&apos;s bars</source>
        <translation>本次运行的K线</translation>
    </message>
    <message>
        <source>Optimise</source>
        <translation>参数优化</translation>
    </message>
    <message>
        <source>Bars (*.csv *.parquet)</source>
        <translation>K线文件 (*.csv *.parquet)</translation>
    </message>
</context>
<context>
    <name>BacktestReport</name>
    <message>
        <source>Export HTML…</source>
        <translation>导出 HTML…</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Start live with these parameters</source>
        <translation>以这些参数启动实盘</translation>
    </message>
    <message>
        <source>Charts</source>
        <translation>图表</translation>
    </message>
    <message>
        <source>Monthly returns</source>
        <translation>月度收益</translation>
    </message>
    <message>
        <source>Fills ({count})</source>
        <translation>成交（{count}）</translation>
    </message>
    <message>
        <source>Strategy log</source>
        <translation>策略日志</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Export the report</source>
        <translation>导出报告</translation>
    </message>
    <message>
        <source>HTML (*.html)</source>
        <translation>HTML (*.html)</translation>
    </message>
    <message>
        <source>Report written to {path}</source>
        <translation>报告已写入 {path}</translation>
    </message>
    <message>
        <source>Folder for trades.csv and equity.csv</source>
        <translation>trades.csv 和 equity.csv 的保存文件夹</translation>
    </message>
    <message>
        <source>Written: {files} in {folder}</source>
        <translation>已写入：{files}，位于 {folder}</translation>
    </message>
    <message>
        <source>No broker is running: nothing to trade with</source>
        <translation>没有运行中的券商：无法交易</translation>
    </message>
    <message>
        <source>Added {name} on {symbols} with broker {broker}: start it in the strategy manager</source>
        <translation>已添加 {name}（{symbols}，券商 {broker}）：请在策略管理中启动</translation>
    </message>
    <message>
        <source>Not added: {reason}</source>
        <translation>未添加：{reason}</translation>
    </message>
</context>
<context>
    <name>Blotters</name>
    <message>
        <source>Unrealized P&amp;L</source>
        <translation>浮动盈亏</translation>
    </message>
    <message>
        <source>Realized P&amp;L</source>
        <translation>平仓盈亏</translation>
    </message>
    <message>
        <source>Order id</source>
        <translation>委托编号</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Symbol</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Side</source>
        <translation>方向</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>价格</translation>
    </message>
    <message>
        <source>Trigger</source>
        <translation>触发价</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Filled</source>
        <translation>已成交</translation>
    </message>
    <message>
        <source>Avg price</source>
        <translation>均价</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Broker</source>
        <translation>券商</translation>
    </message>
    <message>
        <source>Origin</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Alert</source>
        <translation>提醒</translation>
    </message>
    <message>
        <source>Fill id</source>
        <translation>成交编号</translation>
    </message>
    <message>
        <source>Commission</source>
        <translation>手续费</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今仓</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>昨仓</translation>
    </message>
    <message>
        <source>Last</source>
        <translation>最新价</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>币种</translation>
    </message>
    <message>
        <source>Cash</source>
        <translation>可用资金</translation>
    </message>
    <message>
        <source>Equity</source>
        <translation>权益</translation>
    </message>
    <message>
        <source>Market value</source>
        <translation>市值</translation>
    </message>
    <message>
        <source>Margin</source>
        <translation>保证金</translation>
    </message>
    <message>
        <source>Buying power</source>
        <translation>购买力</translation>
    </message>
</context>
<context>
    <name>BreakersBox</name>
    <message>
        <source>Circuit breakers: all armed</source>
        <translation>熔断器：全部就绪</translation>
    </message>
    <message>
        <source>everything</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>{breaker} ({target}) stopped {stopped}: {reason}</source>
        <translation>{breaker}（{target}）停止了 {stopped}：{reason}</translation>
    </message>
    <message>
        <source>Re-arm…</source>
        <translation>重新启用…</translation>
    </message>
    <message>
        <source>Lift the selected trip: its strategies may start again</source>
        <translation>解除所选熔断：相关策略可再次启动</translation>
    </message>
    <message>
        <source>⚠ {count} circuit breaker(s) tripped: select one to re-arm</source>
        <translation>⚠ {count} 个熔断器已触发：选择一个以重新启用</translation>
    </message>
</context>
<context>
    <name>ChartAlerts</name>
    <message>
        <source>Edit alert…</source>
        <translation>编辑提醒…</translation>
    </message>
    <message>
        <source>Re-arm alert</source>
        <translation>重新启用提醒</translation>
    </message>
    <message>
        <source>Remove alert</source>
        <translation>删除提醒</translation>
    </message>
    <message>
        <source>Alert (fired): {condition}</source>
        <translation>提醒（已触发）：{condition}</translation>
    </message>
    <message>
        <source>Alert: {condition}</source>
        <translation>提醒：{condition}</translation>
    </message>
    <message>
        <source>Alert when last crosses {price}</source>
        <translation>最新价穿越 {price} 时提醒</translation>
    </message>
    <message>
        <source>Alert…</source>
        <translation>提醒…</translation>
    </message>
    <message>
        <source>Ladder</source>
        <translation>价格阶梯</translation>
    </message>
</context>
<context>
    <name>ChartDock</name>
    <message>
        <source>Chart · {symbol} {timeframe}</source>
        <translation>图表 · {symbol} {timeframe}</translation>
    </message>
</context>
<context>
    <name>ChartDrawings</name>
    <message>
        <source>Horizontal line</source>
        <translation>水平线</translation>
    </message>
    <message>
        <source>Trend line</source>
        <translation>趋势线</translation>
    </message>
    <message>
        <source>Rectangle</source>
        <translation>矩形</translation>
    </message>
    <message>
        <source>Fibonacci retracement</source>
        <translation>斐波那契回撤</translation>
    </message>
    <message>
        <source>Delete drawing</source>
        <translation>删除画线</translation>
    </message>
</context>
<context>
    <name>ChartLegends</name>
    <message>
        <source>O</source>
        <translation>开</translation>
    </message>
    <message>
        <source>H</source>
        <translation>高</translation>
    </message>
    <message>
        <source>L</source>
        <translation>低</translation>
    </message>
    <message>
        <source>C</source>
        <translation>收</translation>
    </message>
    <message>
        <source>Vol</source>
        <translation>量</translation>
    </message>
</context>
<context>
    <name>ChartOrderLines</name>
    <message>
        <source>Order {order}: {reason}</source>
        <translation>委托 {order}：{reason}</translation>
    </message>
    <message>
        <source>Cancel order</source>
        <translation>撤单</translation>
    </message>
    <message>
        <source>waits for {entry}</source>
        <translation>等待 {entry}</translation>
    </message>
</context>
<context>
    <name>ChartTrades</name>
    <message>
        <source>TP</source>
        <translation>止盈</translation>
    </message>
    <message>
        <source>SL trailing {distance}</source>
        <translation>跟踪止损 {distance}</translation>
    </message>
    <message>
        <source>SL</source>
        <translation>止损</translation>
    </message>
    <message>
        <source>Trailing {distance}</source>
        <translation>跟踪 {distance}</translation>
    </message>
    <message>
        <source>OCO</source>
        <translation>OCO</translation>
    </message>
    <message>
        <source>Buy limit</source>
        <translation>限价买入</translation>
    </message>
    <message>
        <source>Sell limit</source>
        <translation>限价卖出</translation>
    </message>
    <message>
        <source>Buy stop</source>
        <translation>止损买入</translation>
    </message>
    <message>
        <source>Sell stop</source>
        <translation>止损卖出</translation>
    </message>
    <message>
        <source>Buy stop-limit</source>
        <translation>止损限价买入</translation>
    </message>
    <message>
        <source>Sell stop-limit</source>
        <translation>止损限价卖出</translation>
    </message>
    <message>
        <source>Buy</source>
        <translation>买入</translation>
    </message>
    <message>
        <source>Sell</source>
        <translation>卖出</translation>
    </message>
    <message>
        <source>Long</source>
        <translation>多</translation>
    </message>
    <message>
        <source>Short</source>
        <translation>空</translation>
    </message>
    <message>
        <source>P&amp;L</source>
        <translation>盈亏</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy the tracebacks, to paste into a bug report</source>
        <translation>复制错误堆栈，用于提交问题报告</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source> ({count} more not shown: see the log)</source>
        <translation>（另有 {count} 条未显示：见日志）</translation>
    </message>
    <message>
        <source>{count} unexpected error(s){more}. The terminal keeps running; the part that failed may not have finished its work. Details are in the log file.</source>
        <translation>{count} 个意外错误{more}。终端仍在运行；出错的部分可能未完成其工作。详情见日志文件。</translation>
    </message>
</context>
<context>
    <name>Dates</name>
    <message>
        <source>next poll {when}</source>
        <translation>下次查询 {when}</translation>
    </message>
</context>
<context>
    <name>Depth</name>
    <message>
        <source>Bid size</source>
        <translation>买量</translation>
    </message>
    <message>
        <source>Bid</source>
        <translation>买一</translation>
    </message>
    <message>
        <source>Ask</source>
        <translation>卖一</translation>
    </message>
    <message>
        <source>Ask size</source>
        <translation>卖量</translation>
    </message>
</context>
<context>
    <name>DepthPanel</name>
    <message>
        <source>No symbol selected</source>
        <translation>未选择代码</translation>
    </message>
    <message>
        <source>Click to put this price in the order ticket</source>
        <translation>点击将此价格填入下单面板</translation>
    </message>
</context>
<context>
    <name>DrawMenu</name>
    <message>
        <source>Magnet (snap to open, high, low, close)</source>
        <translation>磁吸（吸附到开高低收）</translation>
    </message>
    <message>
        <source>Draw</source>
        <translation>画线</translation>
    </message>
</context>
<context>
    <name>HealthPanel</name>
    <message>
        <source>tick → bars → strategies</source>
        <translation>行情 → K线 → 策略</translation>
    </message>
    <message>
        <source>bar close → strategies</source>
        <translation>K线收盘 → 策略</translation>
    </message>
    <message>
        <source>order → broker ack</source>
        <translation>委托 → 券商确认</translation>
    </message>
    <message>
        <source>order → fill</source>
        <translation>委托 → 成交</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Ticks/s</source>
        <translation>笔/秒</translation>
    </message>
    <message>
        <source>Last tick</source>
        <translation>最近行情</translation>
    </message>
    <message>
        <source>none in the last {window} s · {count} before, mean {mean}</source>
        <translation>最近 {window} 秒无样本 · 之前 {count} 个，平均 {mean}</translation>
    </message>
    <message>
        <source>no samples yet</source>
        <translation>尚无样本</translation>
    </message>
    <message>
        <source>p50 {p50} · p90 {p90} · p99 {p99} · max {max} ({count})</source>
        <translation>p50 {p50} · p90 {p90} · p99 {p99} · 最大 {max}（{count}）</translation>
    </message>
    <message>
        <source>p99 of {path}, last {seconds} s</source>
        <translation>{path} 的 p99，最近 {seconds} 秒</translation>
    </message>
    <message>
        <source>waiting for the first snapshot…</source>
        <translation>等待首个快照…</translation>
    </message>
    <message>
        <source>{seconds} s ago</source>
        <translation>{seconds} 秒前</translation>
    </message>
    <message>
        <source>{count} alert(s) waiting</source>
        <translation>{count} 条提醒待发送</translation>
    </message>
    <message>
        <source>ticks {count}</source>
        <translation>行情 {count}</translation>
    </message>
    <message>
        <source>queued {count}</source>
        <translation>排队 {count}</translation>
    </message>
    <message>
        <source> — SHEDDING LOAD</source>
        <translation> — 正在降载</translation>
    </message>
    <message>
        <source>conflated {count}</source>
        <translation>合并 {count}</translation>
    </message>
    <message>
        <source>handler errors {count}</source>
        <translation>处理错误 {count}</translation>
    </message>
    <message>
        <source> (most: {name} ×{count})</source>
        <translation>（最多：{name} ×{count}）</translation>
    </message>
    <message>
        <source>bars dropped: {outside} outside sessions, {late} late, {duplicate} duplicate</source>
        <translation>丢弃K线：交易时段外 {outside}，迟到 {late}，重复 {duplicate}</translation>
    </message>
    <message>
        <source>tasks {count}</source>
        <translation>任务 {count}</translation>
    </message>
    <message>
        <source>CPU {percent}%</source>
        <translation>CPU {percent}%</translation>
    </message>
    <message>
        <source>memory {mb} MB</source>
        <translation>内存 {mb} MB</translation>
    </message>
</context>
<context>
    <name>HistoryStatus</name>
    <message>
        <source>History: fetching…</source>
        <translation>历史数据：获取中…</translation>
    </message>
    <message>
        <source>History: {source} {done}/{total} · {bars} bars</source>
        <translation>历史数据：{source} {done}/{total} · {bars} 根K线</translation>
    </message>
    <message>
        <source>History: {bars} bars from {source}</source>
        <translation>历史数据：{bars} 根K线，来自 {source}</translation>
    </message>
    <message>
        <source>History failed: {detail}</source>
        <translation>历史数据获取失败：{detail}</translation>
    </message>
</context>
<context>
    <name>IndicatorDialog</name>
    <message>
        <source>{indicator} parameters</source>
        <translation>{indicator} 参数</translation>
    </message>
</context>
<context>
    <name>IndicatorMenu</name>
    <message>
        <source>Indicators</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Add {indicator}</source>
        <translation>添加 {indicator}</translation>
    </message>
    <message>
        <source>Edit {indicator}…</source>
        <translation>编辑 {indicator}…</translation>
    </message>
    <message>
        <source>Remove {indicator}</source>
        <translation>移除 {indicator}</translation>
    </message>
</context>
<context>
    <name>Indicators</name>
    <message>
        <source>Simple moving average</source>
        <translation>简单移动平均</translation>
    </message>
    <message>
        <source>Exponential moving average</source>
        <translation>指数移动平均</translation>
    </message>
    <message>
        <source>Bollinger bands</source>
        <translation>布林带</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>周期</translation>
    </message>
    <message>
        <source>Deviations</source>
        <translation>标准差倍数</translation>
    </message>
    <message>
        <source>Fast</source>
        <translation>快线</translation>
    </message>
    <message>
        <source>Slow</source>
        <translation>慢线</translation>
    </message>
    <message>
        <source>Signal</source>
        <translation>信号线</translation>
    </message>
    <message>
        <source>upper</source>
        <translation>上轨</translation>
    </message>
    <message>
        <source>middle</source>
        <translation>中轨</translation>
    </message>
    <message>
        <source>lower</source>
        <translation>下轨</translation>
    </message>
    <message>
        <source>signal</source>
        <translation>信号线</translation>
    </message>
    <message>
        <source>hist</source>
        <translation>柱</translation>
    </message>
</context>
<context>
    <name>KillSwitchButton</name>
    <message>
        <source>■ Kill switch</source>
        <translation>■ 紧急停止</translation>
    </message>
    <message>
        <source>Cancel all working orders and stop all strategies ({key})</source>
        <translation>撤销全部挂单并停止全部策略（{key}）</translation>
    </message>
</context>
<context>
    <name>Ladder</name>
    <message>
        <source>Click a bid (or your buys) cell: buy limit there; an ask (or your sells) cell: sell limit. Drag your orders to another price to move them; right-click them to cancel.
Keys: ↑/↓ move the cursor · B buy / S sell at the cursor · Enter: the cursor column&apos;s side · Delete cancels your orders at the cursor · Ctrl+↑/↓ moves them a row · 1–5 preset quantity · C re-centres on the last trade</source>
        <translation>点击买量（或我的买单）格：在该价挂限价买单；点击卖量（或我的卖单）格：挂限价卖单。拖动自己的委托到其他价位即改价；右键撤单。
按键：↑/↓ 移动光标 · B 买入 / S 卖出于光标价 · Enter：按光标所在列的方向下单 · Delete 撤销光标价位的委托 · Ctrl+↑/↓ 将其移动一行 · 1–5 预设数量 · C 以最新成交价居中</translation>
    </message>
</context>
<context>
    <name>LadderModel</name>
    <message>
        <source>Buy orders</source>
        <translation>我的买单</translation>
    </message>
    <message>
        <source>Bid</source>
        <translation>买量</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>价格</translation>
    </message>
    <message>
        <source>Ask</source>
        <translation>卖量</translation>
    </message>
    <message>
        <source>Sell orders</source>
        <translation>我的卖单</translation>
    </message>
    <message>
        <source>Buy limit at {price}: click, or B or Enter</source>
        <translation>在 {price} 限价买入：点击，或按 B 或 Enter</translation>
    </message>
    <message>
        <source>Sell limit at {price}: click, or S or Enter</source>
        <translation>在 {price} 限价卖出：点击，或按 S 或 Enter</translation>
    </message>
    <message>
        <source>Your orders here: drag them to another price to move them; right-click or Delete cancels them</source>
        <translation>此价位有您的委托：拖到其他价位即改价；右键或 Delete 撤单</translation>
    </message>
</context>
<context>
    <name>Legs</name>
    <message>
        <source>Symbol</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Position</source>
        <translation>持仓</translation>
    </message>
    <message>
        <source>Last</source>
        <translation>最新价</translation>
    </message>
    <message>
        <source>P&amp;L</source>
        <translation>盈亏</translation>
    </message>
    <message>
        <source>Working</source>
        <translation>挂单</translation>
    </message>
</context>
<context>
    <name>LogPanel</name>
    <message>
        <source>Activity</source>
        <translation>活动</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>All components</source>
        <translation>全部组件</translation>
    </message>
    <message>
        <source>Filter: text, symbol, order id…</source>
        <translation>筛选：文字、代码、委托编号…</translation>
    </message>
    <message>
        <source>Copy shown</source>
        <translation>复制显示内容</translation>
    </message>
    <message>
        <source>Copy every line shown (Ctrl+C copies the selection)</source>
        <translation>复制显示的全部行（Ctrl+C 复制选中部分）</translation>
    </message>
    <message>
        <source>Messages ⚠ {count}</source>
        <translation>消息 ⚠ {count}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Terminal</source>
        <translation>交易终端</translation>
    </message>
    <message>
        <source>Market watch</source>
        <translation>行情报价</translation>
    </message>
    <message>
        <source>Chart</source>
        <translation>图表</translation>
    </message>
    <message>
        <source>Order ticket</source>
        <translation>下单</translation>
    </message>
    <message>
        <source>Depth</source>
        <translation>盘口</translation>
    </message>
    <message>
        <source>Ladder</source>
        <translation>价格阶梯</translation>
    </message>
    <message>
        <source>Strategies</source>
        <translation>策略</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>委托</translation>
    </message>
    <message>
        <source>Trades</source>
        <translation>成交</translation>
    </message>
    <message>
        <source>Positions</source>
        <translation>持仓</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>资金账户</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>价格提醒</translation>
    </message>
    <message>
        <source>P&amp;&amp;L</source>
        <translation>盈亏</translation>
    </message>
    <message>
        <source>Venue</source>
        <translation>交易所</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <source>Health</source>
        <translation>运行状况</translation>
    </message>
    <message>
        <source>Mark filled / cancelled…</source>
        <translation>标记成交 / 撤单…</translation>
    </message>
    <message>
        <source>Close position</source>
        <translation>平仓</translation>
    </message>
    <message>
        <source> (+{count} more, Venue dock)</source>
        <translation>（另有 {count} 条，见交易所停靠窗）</translation>
    </message>
    <message>
        <source> (Venue dock)</source>
        <translation>（见交易所停靠窗）</translation>
    </message>
    <message>
        <source>Kill switch: cancels sent, strategies stopped</source>
        <translation>紧急停止：撤单已发出，策略已停止</translation>
    </message>
    <message>
        <source>Kill switch: cancel {working} working orders and stop {running} running strategies?</source>
        <translation>紧急停止：撤销 {working} 笔挂单并停止 {running} 个运行中的策略？</translation>
    </message>
    <message>
        <source>Re-arm circuit breaker {breaker} ({target})? It tripped on: {reason}</source>
        <translation>重新启用熔断器 {breaker}（{target}）？触发原因：{reason}</translation>
    </message>
    <message>
        <source>Confirm</source>
        <translation>确认</translation>
    </message>
    <message>
        <source>Plugins</source>
        <translation>插件</translation>
    </message>
    <message>
        <source>The language changes when the terminal is started again</source>
        <translation>语言将在终端重新启动后生效</translation>
    </message>
</context>
<context>
    <name>MarkOrderDialog</name>
    <message>
        <source>Mark order {order_id}</source>
        <translation>标记委托 {order_id}</translation>
    </message>
    <message>
        <source>{order} via {broker}; filled so far {filled}</source>
        <translation>{order}，经 {broker}；已成交 {filled}</translation>
    </message>
    <message>
        <source>Mark filled</source>
        <translation>标记为已成交</translation>
    </message>
    <message>
        <source>Mark cancelled</source>
        <translation>标记为已撤</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Filled quantity</source>
        <translation>成交数量</translation>
    </message>
    <message>
        <source>Fill price</source>
        <translation>成交价</translation>
    </message>
    <message>
        <source>Filled quantity: must be more than 0, got {quantity}</source>
        <translation>成交数量：必须大于 0，当前为 {quantity}</translation>
    </message>
    <message>
        <source>Fill price: must be positive, got {price}</source>
        <translation>成交价：必须为正数，当前为 {price}</translation>
    </message>
</context>
<context>
    <name>MarketWatch</name>
    <message>
        <source>Watchlists and columns</source>
        <translation>自选列表和列</translation>
    </message>
    <message>
        <source>Filter: text, or last&gt;100, change_pct&lt;0…</source>
        <translation>筛选：文字，或 last&gt;100、change_pct&lt;0…</translation>
    </message>
    <message>
        <source>New watchlist…</source>
        <translation>新建自选列表…</translation>
    </message>
    <message>
        <source>Rename watchlist…</source>
        <translation>重命名自选列表…</translation>
    </message>
    <message>
        <source>Delete watchlist</source>
        <translation>删除自选列表</translation>
    </message>
    <message>
        <source>Import CSV…</source>
        <translation>导入 CSV…</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Columns…</source>
        <translation>列…</translation>
    </message>
    <message>
        <source>Add symbol: unknown symbol &apos;{symbol}&apos;</source>
        <translation>添加代码：未知代码 &apos;{symbol}&apos;</translation>
    </message>
    <message>
        <source>Add symbol: &apos;{symbol}&apos; is already in {watchlist}</source>
        <translation>添加代码：&apos;{symbol}&apos; 已在 {watchlist} 中</translation>
    </message>
    <message>
        <source>Watchlist name: &apos;{name}&apos; is empty or already used</source>
        <translation>自选列表名称：&apos;{name}&apos; 为空或已被使用</translation>
    </message>
    <message>
        <source>Delete watchlist: the last watchlist cannot be deleted</source>
        <translation>删除自选列表：最后一个自选列表不能删除</translation>
    </message>
    <message>
        <source>Import CSV: cannot read {path}: {problem}</source>
        <translation>导入 CSV：无法读取 {path}：{problem}</translation>
    </message>
    <message>
        <source>Import CSV: {problems}</source>
        <translation>导入 CSV：{problems}</translation>
    </message>
    <message>
        <source>Export CSV: cannot write {path}: {problem}</source>
        <translation>导出 CSV：无法写入 {path}：{problem}</translation>
    </message>
    <message>
        <source>New watchlist</source>
        <translation>新建自选列表</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <source>Rename watchlist</source>
        <translation>重命名自选列表</translation>
    </message>
    <message>
        <source>Import watchlist</source>
        <translation>导入自选列表</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <source>Export watchlist</source>
        <translation>导出自选列表</translation>
    </message>
    <message>
        <source>{file}: the file is empty</source>
        <translation>{file}：文件为空</translation>
    </message>
    <message>
        <source>{file} line {line}: unknown symbol &apos;{symbol}&apos;</source>
        <translation>{file} 第 {line} 行：未知代码 &apos;{symbol}&apos;</translation>
    </message>
</context>
<context>
    <name>Monitor</name>
    <message>
        <source>Filter…</source>
        <translation>筛选…</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Export CSV</source>
        <translation>导出 CSV</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
</context>
<context>
    <name>Names</name>
    <message>
        <source>buy</source>
        <translation>买入</translation>
    </message>
    <message>
        <source>sell</source>
        <translation>卖出</translation>
    </message>
    <message>
        <source>market</source>
        <translation>市价</translation>
    </message>
    <message>
        <source>limit</source>
        <translation>限价</translation>
    </message>
    <message>
        <source>stop</source>
        <translation>止损</translation>
    </message>
    <message>
        <source>stop limit</source>
        <translation>止损限价</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>open</source>
        <translation>开仓</translation>
    </message>
    <message>
        <source>close</source>
        <translation>平仓</translation>
    </message>
    <message>
        <source>close today</source>
        <translation>平今</translation>
    </message>
    <message>
        <source>close yesterday</source>
        <translation>平昨</translation>
    </message>
    <message>
        <source>day</source>
        <translation>当日有效</translation>
    </message>
    <message>
        <source>good till cancelled</source>
        <translation>撤销前有效</translation>
    </message>
    <message>
        <source>immediate or cancel</source>
        <translation>立即成交剩余撤销</translation>
    </message>
    <message>
        <source>fill or kill</source>
        <translation>全部成交否则撤销</translation>
    </message>
    <message>
        <source>submitted</source>
        <translation>已提交</translation>
    </message>
    <message>
        <source>accepted</source>
        <translation>已接受</translation>
    </message>
    <message>
        <source>partially filled</source>
        <translation>部分成交</translation>
    </message>
    <message>
        <source>filled</source>
        <translation>全部成交</translation>
    </message>
    <message>
        <source>pending cancel</source>
        <translation>待撤</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已撤单</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>已拒单</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>warming up</source>
        <translation>预热中</translation>
    </message>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>removed</source>
        <translation>已移除</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>连接中</translation>
    </message>
    <message>
        <source>live</source>
        <translation>实时</translation>
    </message>
    <message>
        <source>stale</source>
        <translation>延迟</translation>
    </message>
    <message>
        <source>disconnected</source>
        <translation>已断开</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>休市</translation>
    </message>
    <message>
        <source>feed</source>
        <translation>行情源</translation>
    </message>
    <message>
        <source>broker</source>
        <translation>券商</translation>
    </message>
    <message>
        <source>strategy</source>
        <translation>策略</translation>
    </message>
    <message>
        <source>history</source>
        <translation>历史数据</translation>
    </message>
    <message>
        <source>loaded</source>
        <translation>已加载</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>sending</source>
        <translation>发送中</translation>
    </message>
    <message>
        <source>retrying</source>
        <translation>重试中</translation>
    </message>
    <message>
        <source>sent</source>
        <translation>已发送</translation>
    </message>
    <message>
        <source>take-profit</source>
        <translation>止盈</translation>
    </message>
    <message>
        <source>stop-loss</source>
        <translation>止损</translation>
    </message>
    <message>
        <source>leg</source>
        <translation>腿</translation>
    </message>
    <message>
        <source>trailing stop</source>
        <translation>跟踪止损</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>green</source>
        <translation>绿</translation>
    </message>
    <message>
        <source>amber</source>
        <translation>黄</translation>
    </message>
    <message>
        <source>red</source>
        <translation>红</translation>
    </message>
    <message>
        <source>order adopted</source>
        <translation>已接管委托</translation>
    </message>
    <message>
        <source>order resolved</source>
        <translation>委托已确认</translation>
    </message>
    <message>
        <source>fills recovered</source>
        <translation>已补回成交</translation>
    </message>
    <message>
        <source>balance difference</source>
        <translation>余额差异</translation>
    </message>
    <message>
        <source>position difference</source>
        <translation>持仓差异</translation>
    </message>
</context>
<context>
    <name>OptimizationView</name>
    <message>
        <source>Results ({count})</source>
        <translation>结果（{count}）</translation>
    </message>
    <message>
        <source>Heat map: {objective}</source>
        <translation>热力图：{objective}</translation>
    </message>
    <message>
        <source>Walk-forward ({count} folds)</source>
        <translation>滚动优化（{count} 个窗口）</translation>
    </message>
    <message>
        <source>Backtest the selected parameters</source>
        <translation>回测所选参数</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>{count} parameter sets, none ran: {error}</source>
        <translation>{count} 组参数，均未运行：{error}</translation>
    </message>
    <message>
        <source>{count} parameter sets; best by {objective}: {params} ({value})</source>
        <translation>{count} 组参数；按{objective}最优：{params}（{value}）</translation>
    </message>
    <message>
        <source>In sample</source>
        <translation>样本内</translation>
    </message>
    <message>
        <source>Out of sample</source>
        <translation>样本外</translation>
    </message>
    <message>
        <source>Best parameters</source>
        <translation>最优参数</translation>
    </message>
    <message>
        <source>{objective} in</source>
        <translation>{objective}（样本内）</translation>
    </message>
    <message>
        <source>{objective} out</source>
        <translation>{objective}（样本外）</translation>
    </message>
    <message>
        <source>Return out</source>
        <translation>样本外收益</translation>
    </message>
</context>
<context>
    <name>OptimizeSettings</name>
    <message>
        <source>Optimise over parameter ranges</source>
        <translation>在参数范围内优化</translation>
    </message>
    <message>
        <source>Parameter</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>From</source>
        <translation>起始</translation>
    </message>
    <message>
        <source>To</source>
        <translation>结束</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>单步</translation>
    </message>
    <message>
        <source>whole grid</source>
        <translation>全部网格</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>tcp://scheduler:8786 (empty: processes here)</source>
        <translation>tcp://scheduler:8786（留空：本机进程）</translation>
    </message>
    <message>
        <source>Random sets</source>
        <translation>随机组数</translation>
    </message>
    <message>
        <source>Rank by</source>
        <translation>排序依据</translation>
    </message>
    <message>
        <source>Processes</source>
        <translation>进程数</translation>
    </message>
    <message>
        <source>Dask cluster</source>
        <translation>Dask 集群</translation>
    </message>
    <message>
        <source>Walk-forward folds, in-sample share</source>
        <translation>滚动窗口数、样本内占比</translation>
    </message>
    <message>
        <source>Optimise: switch on at least one parameter range</source>
        <translation>参数优化：请至少启用一个参数范围</translation>
    </message>
    <message>
        <source>Optimise: {problem}</source>
        <translation>参数优化：{problem}</translation>
    </message>
</context>
<context>
    <name>OrderTicket</name>
    <message>
        <source>Close {symbol}: {side} {quantity}</source>
        <translation>平仓 {symbol}：{side} {quantity}</translation>
    </message>
    <message>
        <source>Sending {order} ({id})…</source>
        <translation>正在发送 {order}（{id}）…</translation>
    </message>
    <message>
        <source>Waiting for confirmation: {order}</source>
        <translation>等待确认：{order}</translation>
    </message>
    <message>
        <source>Confirm order</source>
        <translation>确认委托</translation>
    </message>
    <message>
        <source>Buy {price} {key}</source>
        <translation>买入 {price} {key}</translation>
    </message>
    <message>
        <source>Sell {price} {key}</source>
        <translation>卖出 {price} {key}</translation>
    </message>
    <message>
        <source>Position at {broker}: none</source>
        <translation>{broker} 持仓：无</translation>
    </message>
    <message>
        <source>long</source>
        <translation>多头</translation>
    </message>
    <message>
        <source>short</source>
        <translation>空头</translation>
    </message>
    <message>
        <source>Position at {broker}: {side} {quantity} @ {price}</source>
        <translation>{broker} 持仓：{side} {quantity} @ {price}</translation>
    </message>
    <message>
        <source> ({quantity} today)</source>
        <translation>（今仓 {quantity}）</translation>
    </message>
    <message>
        <source>Est. notional {value}</source>
        <translation>预计金额 {value}</translation>
    </message>
    <message>
        <source>commission {value}</source>
        <translation>手续费 {value}</translation>
    </message>
    <message>
        <source>margin {value}</source>
        <translation>保证金 {value}</translation>
    </message>
</context>
<context>
    <name>OrdersPanel</name>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Working</source>
        <translation>挂单</translation>
    </message>
    <message>
        <source>Cancel all</source>
        <translation>全撤</translation>
    </message>
    <message>
        <source>Cancel order</source>
        <translation>撤单</translation>
    </message>
    <message>
        <source>Cancel all {count} working orders?</source>
        <translation>撤销全部 {count} 笔挂单？</translation>
    </message>
</context>
<context>
    <name>ParamsForm</name>
    <message>
        <source>JSON value</source>
        <translation>JSON 值</translation>
    </message>
    <message>
        <source>Parameters: {problem}</source>
        <translation>参数：{problem}</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
</context>
<context>
    <name>PnlPanel</name>
    <message>
        <source>Equity</source>
        <translation>权益</translation>
    </message>
    <message>
        <source>P&amp;L</source>
        <translation>盈亏</translation>
    </message>
    <message>
        <source>Realised</source>
        <translation>已实现</translation>
    </message>
    <message>
        <source>Unrealised</source>
        <translation>未实现</translation>
    </message>
    <message>
        <source>Net</source>
        <translation>净值</translation>
    </message>
    <message>
        <source>Account {name}</source>
        <translation>账户 {name}</translation>
    </message>
    <message>
        <source>Strategy {name}</source>
        <translation>策略 {name}</translation>
    </message>
    <message>
        <source>All accounts</source>
        <translation>全部账户</translation>
    </message>
    <message>
        <source>No P&amp;L yet: it is sampled on fills and as prices move</source>
        <translation>暂无盈亏：成交及价格变动时采样</translation>
    </message>
    <message>
        <source>Equity {value}</source>
        <translation>权益 {value}</translation>
    </message>
    <message>
        <source>Realised {value}</source>
        <translation>已实现 {value}</translation>
    </message>
    <message>
        <source>Unrealised {value}</source>
        <translation>未实现 {value}</translation>
    </message>
    <message>
        <source>Net {value}</source>
        <translation>净盈亏 {value}</translation>
    </message>
    <message>
        <source>at {time}</source>
        <translation>于 {time}</translation>
    </message>
</context>
<context>
    <name>PriceLadder</name>
    <message>
        <source>Centre</source>
        <translation>居中</translation>
    </message>
    <message>
        <source>Centre on the last trade (C)</source>
        <translation>以最新成交价居中（C）</translation>
    </message>
    <message>
        <source>Ticks per row: each row sums the sizes and your orders at the prices it groups</source>
        <translation>每行跳数：每行合计其所含价位的挂单量和我的委托</translation>
    </message>
    <message>
        <source>Quantity of each order placed from the ladder</source>
        <translation>从价格阶梯下的每笔委托的数量</translation>
    </message>
    <message>
        <source>Qty</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Quantity {quantity} (key {key})</source>
        <translation>数量 {quantity}（按键 {key}）</translation>
    </message>
    <message>
        <source>Auto ×{ticks}</source>
        <translation>自动 ×{ticks}</translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Choose a broker and a quantity above 0</source>
        <translation>请选择券商并输入大于 0 的数量</translation>
    </message>
    <message>
        <source>Sending {order}…</source>
        <translation>正在发送 {order}…</translation>
    </message>
    <message>
        <source>Send {order}?</source>
        <translation>发送 {order}？</translation>
    </message>
    <message>
        <source>Cancelling {count} order(s) at {price}</source>
        <translation>正在撤销 {price} 价位的 {count} 笔委托</translation>
    </message>
    <message>
        <source>Order {order}: {reason}</source>
        <translation>委托 {order}：{reason}</translation>
    </message>
    <message>
        <source>Confirm order</source>
        <translation>确认委托</translation>
    </message>
</context>
<context>
    <name>QuoteDepth</name>
    <message>
        <source>Last {last}   Bid {bid}   Ask {ask}</source>
        <translation>最新价 {last}   买一 {bid}   卖一 {ask}</translation>
    </message>
</context>
<context>
    <name>ReplayControls</name>
    <message>
        <source>Replay</source>
        <translation>回放</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Pause the replay (Space)</source>
        <translation>暂停回放（Space）</translation>
    </message>
    <message>
        <source>Play at recorded speed</source>
        <translation>按录制速度播放</translation>
    </message>
    <message>
        <source>Play ten times faster</source>
        <translation>十倍速播放</translation>
    </message>
    <message>
        <source>Play as fast as possible</source>
        <translation>以最快速度播放</translation>
    </message>
    <message>
        <source>Max</source>
        <translation>最快</translation>
    </message>
    <message>
        <source>Pause/resume</source>
        <translation>暂停/继续</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>单步</translation>
    </message>
    <message>
        <source>Apply exactly the next event (pauses first) — Ctrl+Right</source>
        <translation>只执行下一个事件（先暂停）— Ctrl+Right</translation>
    </message>
    <message>
        <source>Replay clock: exchange time of the current event</source>
        <translation>回放时钟：当前事件的交易所时间</translation>
    </message>
    <message>
        <source>Details…</source>
        <translation>详情…</translation>
    </message>
    <message>
        <source>Orders placed in the replay beside those placed live</source>
        <translation>回放中的委托与实盘委托对照</translation>
    </message>
    <message>
        <source>Replay of {journal}</source>
        <translation>回放 {journal}</translation>
    </message>
    <message>
        <source>Orders placed in the replay (first {count}):</source>
        <translation>回放中的委托（前 {count} 笔）：</translation>
    </message>
    <message>
        <source>Problems:</source>
        <translation>问题：</translation>
    </message>
    <message>
        <source>{done} / {total} events</source>
        <translation>{done} / {total} 个事件</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>at max speed</source>
        <translation>最快速度</translation>
    </message>
    <message>
        <source>Playing {speed}</source>
        <translation>播放中 {speed}</translation>
    </message>
    <message>
        <source> · ⚠ differs from live at order {number}</source>
        <translation> · ⚠ 第 {number} 笔委托与实盘不同</translation>
    </message>
    <message>
        <source>Replay finished · {placed} orders placed, identical to the {live} live</source>
        <translation>回放结束 · 下单 {placed} 笔，与实盘 {live} 笔一致</translation>
    </message>
    <message>
        <source>Replay finished · {placed} orders placed · differs from live at order {number}</source>
        <translation>回放结束 · 下单 {placed} 笔 · 第 {number} 笔委托与实盘不同</translation>
    </message>
    <message>
        <source> · {count} problem(s)</source>
        <translation> · {count} 个问题</translation>
    </message>
</context>
<context>
    <name>ReplaySession</name>
    <message>
        <source>Replay</source>
        <translation>回放</translation>
    </message>
    <message>
        <source>REPLAY of {journal} · orders go to no broker</source>
        <translation>回放 {journal} · 委托不发往任何券商</translation>
    </message>
    <message>
        <source>Terminal — Replay of {journal}</source>
        <translation>交易终端 — 回放 {journal}</translation>
    </message>
    <message>
        <source>Order ticket (off in a replay)</source>
        <translation>下单（回放中不可用）</translation>
    </message>
    <message>
        <source>The order ticket is off in a replay: orders go to no broker</source>
        <translation>回放中下单面板不可用：委托不发往任何券商</translation>
    </message>
    <message>
        <source>Replay: the strategies follow the journal&apos;s commands.</source>
        <translation>回放：策略按运行日志中的指令执行。</translation>
    </message>
</context>
<context>
    <name>Report</name>
    <message>
        <source>{first} to {last}</source>
        <translation>{first} 至 {last}</translation>
    </message>
    <message>
        <source>no bars after warm-up</source>
        <translation>预热后没有K线</translation>
    </message>
    <message>
        <source>&lt;b&gt;{strategy}&lt;/b&gt; on {symbols} ({timeframe}), {period}&lt;br&gt;parameters {params}; capital {capital} {currency}; {bars} bars in {seconds} s</source>
        <translation>&lt;b&gt;{strategy}&lt;/b&gt;，{symbols}（{timeframe}），{period}&lt;br&gt;参数 {params}；初始资金 {capital} {currency}；{bars} 根K线，用时 {seconds} 秒</translation>
    </message>
    <message>
        <source>defaults</source>
        <translation>默认</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>年</translation>
    </message>
</context>
<context>
    <name>ReportCharts</name>
    <message>
        <source>Equity: &lt;span style=&apos;color:{strategy}&apos;&gt;strategy&lt;/span&gt; and &lt;span style=&apos;color:{benchmark}&apos;&gt;buy and hold&lt;/span&gt;</source>
        <translation>权益：&lt;span style=&apos;color:{strategy}&apos;&gt;策略&lt;/span&gt;与&lt;span style=&apos;color:{benchmark}&apos;&gt;买入持有&lt;/span&gt;</translation>
    </message>
    <message>
        <source>Drawdown</source>
        <translation>回撤</translation>
    </message>
    <message>
        <source>{symbol}: &lt;span style=&apos;color:{up}&apos;&gt;buys&lt;/span&gt;, &lt;span style=&apos;color:{down}&apos;&gt;sells&lt;/span&gt;</source>
        <translation>{symbol}：&lt;span style=&apos;color:{up}&apos;&gt;买入&lt;/span&gt;，&lt;span style=&apos;color:{down}&apos;&gt;卖出&lt;/span&gt;</translation>
    </message>
</context>
<context>
    <name>SentOrders</name>
    <message>
        <source>Refused {order}: {reason}</source>
        <translation>已拒绝 {order}：{reason}</translation>
    </message>
    <message>
        <source>Rejected {order} ({order_id}): {reason}</source>
        <translation>已拒单 {order}（{order_id}）：{reason}</translation>
    </message>
    <message>
        <source>no reason given</source>
        <translation>未说明原因</translation>
    </message>
    <message>
        <source>Sent {order} ({order_id}): {status}</source>
        <translation>已发送 {order}（{order_id}）：{status}</translation>
    </message>
    <message>
        <source> trigger {price}</source>
        <translation> 触发价 {price}</translation>
    </message>
</context>
<context>
    <name>Statistic</name>
    <message>
        <source>Total return</source>
        <translation>总收益率</translation>
    </message>
    <message>
        <source>Annual return</source>
        <translation>年化收益率</translation>
    </message>
    <message>
        <source>Annual volatility</source>
        <translation>年化波动率</translation>
    </message>
    <message>
        <source>Sharpe ratio</source>
        <translation>夏普比率</translation>
    </message>
    <message>
        <source>Sortino ratio</source>
        <translation>索提诺比率</translation>
    </message>
    <message>
        <source>Max drawdown</source>
        <translation>最大回撤</translation>
    </message>
    <message>
        <source>Max drawdown duration</source>
        <translation>最长回撤期</translation>
    </message>
    <message>
        <source>Calmar ratio</source>
        <translation>卡玛比率</translation>
    </message>
    <message>
        <source>Win rate</source>
        <translation>胜率</translation>
    </message>
    <message>
        <source>Profit factor</source>
        <translation>盈亏比</translation>
    </message>
    <message>
        <source>Average trade</source>
        <translation>平均每笔盈亏</translation>
    </message>
    <message>
        <source>Exposure</source>
        <translation>持仓时间占比</translation>
    </message>
    <message>
        <source>Turnover</source>
        <translation>换手率</translation>
    </message>
    <message>
        <source>Round trips</source>
        <translation>交易次数</translation>
    </message>
    <message>
        <source>Fills</source>
        <translation>成交笔数</translation>
    </message>
    <message>
        <source>Commission</source>
        <translation>手续费</translation>
    </message>
    <message>
        <source>Final equity</source>
        <translation>期末权益</translation>
    </message>
    <message>
        <source>Buy and hold</source>
        <translation>买入持有</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Symbol</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Side</source>
        <translation>方向</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>价格</translation>
    </message>
    <message>
        <source>{days} days</source>
        <translation>{days} 天</translation>
    </message>
</context>
<context>
    <name>StrategyLegsView</name>
    <message>
        <source>Per symbol (selected)</source>
        <translation>按代码（所选）</translation>
    </message>
    <message>
        <source>Per symbol: {instance}</source>
        <translation>按代码：{instance}</translation>
    </message>
</context>
<context>
    <name>StrategyManager</name>
    <message>
        <source>One symbol</source>
        <translation>一个代码</translation>
    </message>
    <message>
        <source>{wanted}, comma separated; the first is the primary</source>
        <translation>{wanted}，以逗号分隔；第一个为主代码</translation>
    </message>
    <message>
        <source>instance name</source>
        <translation>实例名称</translation>
    </message>
    <message>
        <source>Symbol</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>class default</source>
        <translation>策略默认</translation>
    </message>
    <message>
        <source>Auto-start</source>
        <translation>自动启动</translation>
    </message>
    <message>
        <source>Start again after a restart if it was running</source>
        <translation>重启后若之前在运行则自动启动</translation>
    </message>
    <message>
        <source>Instance</source>
        <translation>实例</translation>
    </message>
    <message>
        <source>Strategy</source>
        <translation>策略</translation>
    </message>
    <message>
        <source>Symbols</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Position</source>
        <translation>持仓</translation>
    </message>
    <message>
        <source>P&amp;L</source>
        <translation>盈亏</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>委托</translation>
    </message>
    <message>
        <source>{orders} ({working} working)</source>
        <translation>{orders}（挂单 {working}）</translation>
    </message>
    <message>
        <source>Variables</source>
        <translation>变量</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Save edit</source>
        <translation>保存修改</translation>
    </message>
    <message>
        <source>Reload code</source>
        <translation>重新加载代码</translation>
    </message>
    <message>
        <source>Backtest…</source>
        <translation>回测…</translation>
    </message>
    <message>
        <source>Test this class and these parameters on history first</source>
        <translation>先用历史数据回测此策略和参数</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>启动</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Start all</source>
        <translation>全部启动</translation>
    </message>
    <message>
        <source>Stop all</source>
        <translation>全部停止</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Broker</source>
        <translation>券商</translation>
    </message>
    <message>
        <source>Warm-up bars</source>
        <translation>预热K线数</translation>
    </message>
    <message>
        <source>Log (selected)</source>
        <translation>日志（所选）</translation>
    </message>
    <message>
        <source>Symbols: {problem}</source>
        <translation>代码：{problem}</translation>
    </message>
    <message>
        <source>Select an instance first</source>
        <translation>请先选择一个实例</translation>
    </message>
    <message>
        <source>Stop {instance} before editing it</source>
        <translation>请先停止 {instance} 再编辑</translation>
    </message>
    <message>
        <source>Editing {instance}: change parameters, then Save edit</source>
        <translation>正在编辑 {instance}：修改参数后点击保存修改</translation>
    </message>
    <message>
        <source>Reloaded {strategy}: stopped instances run the new code</source>
        <translation>已重新加载 {strategy}：已停止的实例将运行新代码</translation>
    </message>
    <message>
        <source>Strategy {instance} stopped by an error: {detail} (its log has the traceback)</source>
        <translation>策略 {instance} 因错误停止：{detail}（错误堆栈见其日志）</translation>
    </message>
</context>
<context>
    <name>SymbolSearchBox</name>
    <message>
        <source>Add symbol…</source>
        <translation>添加代码…</translation>
    </message>
    <message>
        <source>Code, name or pinyin initials (pfyh finds 浦发银行)</source>
        <translation>代码、名称或拼音首字母（pfyh 可找到 浦发银行）</translation>
    </message>
</context>
<context>
    <name>SymbolsEdit</name>
    <message>
        <source>symbols, comma separated; the first is the primary</source>
        <translation>代码，以逗号分隔；第一个为主代码</translation>
    </message>
    <message>
        <source>Symbols: enter at least one symbol</source>
        <translation>代码：请至少输入一个代码</translation>
    </message>
    <message>
        <source>Symbols: unknown symbol &apos;{symbol}&apos; (no feed has this instrument)</source>
        <translation>代码：未知代码 &apos;{symbol}&apos;（没有行情源提供该合约）</translation>
    </message>
</context>
<context>
    <name>TicketAttach</name>
    <message>
        <source>TP {price}</source>
        <translation>止盈 {price}</translation>
    </message>
    <message>
        <source>SL {price}</source>
        <translation>止损 {price}</translation>
    </message>
    <message>
        <source>SL</source>
        <translation>止损</translation>
    </message>
    <message>
        <source> trailing {distance}</source>
        <translation> 跟踪 {distance}</translation>
    </message>
    <message>
        <source> OCO stop {price}</source>
        <translation> OCO 止损 {price}</translation>
    </message>
</context>
<context>
    <name>TicketForm</name>
    <message>
        <source>Market</source>
        <translation>市价</translation>
    </message>
    <message>
        <source>Limit</source>
        <translation>限价</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>止损</translation>
    </message>
    <message>
        <source>Stop-limit</source>
        <translation>止损限价</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>当日有效</translation>
    </message>
    <message>
        <source>GTC</source>
        <translation>撤销前有效</translation>
    </message>
    <message>
        <source>IOC</source>
        <translation>立即成交剩余撤销</translation>
    </message>
    <message>
        <source>FOK</source>
        <translation>全部成交否则撤销</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>开仓</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>平仓</translation>
    </message>
    <message>
        <source>Close today</source>
        <translation>平今</translation>
    </message>
    <message>
        <source>Close yesterday</source>
        <translation>平昨</translation>
    </message>
    <message>
        <source>Touch</source>
        <translation>对手价</translation>
    </message>
    <message>
        <source>Last</source>
        <translation>最新价</translation>
    </message>
    <message>
        <source>Bid</source>
        <translation>买一</translation>
    </message>
    <message>
        <source>Ask</source>
        <translation>卖一</translation>
    </message>
    <message>
        <source>Manual</source>
        <translation>手动</translation>
    </message>
    <message>
        <source>Offset</source>
        <translation>开平</translation>
    </message>
    <message>
        <source>What the price follows until you edit it: Touch is the ask for a buy and the bid for a sell</source>
        <translation>价格在你修改之前跟随的报价：对手价即买入取卖一、卖出取买一</translation>
    </message>
    <message>
        <source>Alone</source>
        <translation>单独</translation>
    </message>
    <message>
        <source>Bracket</source>
        <translation>括号单</translation>
    </message>
    <message>
        <source>OCO</source>
        <translation>二选一(OCO)</translation>
    </message>
    <message>
        <source>Trailing</source>
        <translation>跟踪止损</translation>
    </message>
    <message>
        <source>Alone: the order by itself. Bracket: a take-profit and a stop-loss go live when the order fills, sized to the fill; the first to fill cancels the other. OCO: a limit at the price and a stop at the trigger; the first filled cancels the other. Trailing: a stop that follows the price by the trail.</source>
        <translation>单独：仅此一笔委托。括号单：委托成交后，止盈单和止损单按成交数量生效，其中一笔成交即撤销另一笔。二选一(OCO)：在价格处挂限价单、在触发价处挂止损单，先成交者撤销另一笔。跟踪止损：按跟踪距离随价格移动的止损单。</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>price</source>
        <translation>价格</translation>
    </message>
    <message>
        <source>Take-profit</source>
        <translation>止盈</translation>
    </message>
    <message>
        <source>Stop-loss</source>
        <translation>止损</translation>
    </message>
    <message>
        <source>Trail by</source>
        <translation>跟踪距离</translation>
    </message>
    <message>
        <source>Symbol</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Broker</source>
        <translation>券商</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>资金账户</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Time in force</source>
        <translation>有效期</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>价格</translation>
    </message>
    <message>
        <source>Trigger</source>
        <translation>触发价</translation>
    </message>
</context>
<context>
    <name>TimeZoneButton</name>
    <message>
        <source>Exchange time</source>
        <translation>交易所时间</translation>
    </message>
    <message>
        <source>Exchange time ({zone})</source>
        <translation>交易所时间（{zone}）</translation>
    </message>
    <message>
        <source>Local time ({zone})</source>
        <translation>本地时间（{zone}）</translation>
    </message>
    <message>
        <source>Local time</source>
        <translation>本地时间</translation>
    </message>
    <message>
        <source>Times on the chart are in {zone}</source>
        <translation>图表时间为 {zone}</translation>
    </message>
</context>
<context>
    <name>ToastMessage</name>
    <message>
        <source>Click to dismiss</source>
        <translation>点击关闭</translation>
    </message>
</context>
<context>
    <name>VenuePanel</name>
    <message>
        <source>Broker</source>
        <translation>券商</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>币种</translation>
    </message>
    <message>
        <source>Free</source>
        <translation>可用</translation>
    </message>
    <message>
        <source>In orders</source>
        <translation>冻结</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>总计</translation>
    </message>
    <message>
        <source>Symbol</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Venue</source>
        <translation>交易所</translation>
    </message>
    <message>
        <source>Terminal</source>
        <translation>交易终端</translation>
    </message>
    <message>
        <source>Difference</source>
        <translation>差异</translation>
    </message>
    <message>
        <source>Entry</source>
        <translation>开仓价</translation>
    </message>
    <message>
        <source>Unrealized P&amp;L</source>
        <translation>浮动盈亏</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Found</source>
        <translation>发现</translation>
    </message>
    <message>
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <source>What</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Balances, as the venues report them</source>
        <translation>资金余额（交易所报告）</translation>
    </message>
    <message>
        <source>Derivatives positions, venue and terminal</source>
        <translation>衍生品持仓：交易所与本终端</translation>
    </message>
    <message>
        <source>Reconciliation: what the venues said</source>
        <translation>对账：交易所的回报</translation>
    </message>
</context>
<context>
    <name>VenueRules</name>
    <message>
        <source>Post only</source>
        <translation>只做挂单</translation>
    </message>
    <message>
        <source>Reduce only</source>
        <translation>只减仓</translation>
    </message>
    <message>
        <source>Options</source>
        <translation>选项</translation>
    </message>
    <message>
        <source>{broker} takes no reduce-only orders on {symbol}</source>
        <translation>{broker} 不接受 {symbol} 的只减仓委托</translation>
    </message>
    <message>
        <source>post-only: limit orders, where the broker takes them</source>
        <translation>只做挂单：仅限价单，且需券商支持</translation>
    </message>
    <message>
        <source>Quantity {typed} rounded down to {rounded} (lot size {lot})</source>
        <translation>数量 {typed} 已向下取整为 {rounded}（每手 {lot}）</translation>
    </message>
</context>
<context>
    <name>WatchColumns</name>
    <message>
        <source>Symbol</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Last</source>
        <translation>最新价</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>涨跌</translation>
    </message>
    <message>
        <source>Change %</source>
        <translation>涨幅%</translation>
    </message>
    <message>
        <source>Bid</source>
        <translation>买一</translation>
    </message>
    <message>
        <source>Ask</source>
        <translation>卖一</translation>
    </message>
    <message>
        <source>Bid size</source>
        <translation>买量</translation>
    </message>
    <message>
        <source>Ask size</source>
        <translation>卖量</translation>
    </message>
    <message>
        <source>Volume</source>
        <translation>成交量</translation>
    </message>
    <message>
        <source>Turnover</source>
        <translation>成交额</translation>
    </message>
    <message>
        <source>High</source>
        <translation>最高</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>最低</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>开盘</translation>
    </message>
    <message>
        <source>Prev close</source>
        <translation>昨收</translation>
    </message>
    <message>
        <source>Open int.</source>
        <translation>持仓量</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
</context>
<context>
    <name>WatchTable</name>
    <message>
        <source>Freeze row order</source>
        <translation>冻结行顺序</translation>
    </message>
    <message>
        <source>Rows keep their places while prices move; click a column title to sort</source>
        <translation>行情变动时各行位置不变；点击列标题排序</translation>
    </message>
    <message>
        <source>Show all columns</source>
        <translation>显示全部列</translation>
    </message>
    <message>
        <source>Open chart</source>
        <translation>打开图表</translation>
    </message>
    <message>
        <source>New order: buy at ask</source>
        <translation>新委托：按卖一价买入</translation>
    </message>
    <message>
        <source>New order: sell at bid</source>
        <translation>新委托：按买一价卖出</translation>
    </message>
    <message>
        <source>Alert…</source>
        <translation>提醒…</translation>
    </message>
    <message>
        <source>Ladder</source>
        <translation>价格阶梯</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
</context>
<context>
    <name>Window</name>
    <message>
        <source>Open replay</source>
        <translation>打开回放</translation>
    </message>
    <message>
        <source>Run journals (*.tjnl);;All files (*)</source>
        <translation>运行日志 (*.tjnl);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Cannot open the replay.

{problem}</source>
        <translation>无法打开回放。

{problem}</translation>
    </message>
</context>
<context>
    <name>WindowMenuBar</name>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Open &amp;replay…</source>
        <translation>打开回放(&amp;R)…</translation>
    </message>
    <message>
        <source>Play a run&apos;s journal in a window of its own</source>
        <translation>在独立窗口中回放一次运行的日志</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;New chart</source>
        <translation>新建图表(&amp;N)</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <source>As the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Reset layout</source>
        <translation>重置布局(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Plugins…</source>
        <translation>插件(&amp;P)…</translation>
    </message>
    <message>
        <source>Test &amp;email…</source>
        <translation>测试邮件(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>关于(&amp;A)</translation>
    </message>
    <message>
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <source>Terminal {version}</source>
        <translation>交易终端 {version}</translation>
    </message>
</context>
<context>
    <name>WindowStatusBar</name>
    <message>
        <source>0 ticks/s</source>
        <translation>0 笔/秒</translation>
    </message>
    <message>
        <source>quotes</source>
        <translation>行情</translation>
    </message>
    <message>
        <source>orders</source>
        <translation>委托</translation>
    </message>
    <message>
        <source>⚠ breaker tripped: {breakers} — re-arm in the Health dock</source>
        <translation>⚠ 熔断触发：{breakers} — 在运行状况停靠窗中重新启用</translation>
    </message>
    <message>
        <source>{rate} ticks/s</source>
        <translation>{rate} 笔/秒</translation>
    </message>
    <message>
        <source>⚠ {count} plugin(s) failed: {plugins} (Tools ▸ Plugins)</source>
        <translation>⚠ {count} 个插件失败：{plugins}（工具 ▸ 插件）</translation>
    </message>
    <message>
        <source>lag p99 {lag} ms</source>
        <translation>延迟 p99 {lag} 毫秒</translation>
    </message>
    <message>
        <source>{conflated} quotes conflated, {queued} queued</source>
        <translation>合并行情 {conflated}，排队 {queued}</translation>
    </message>
    <message>
        <source>⚠ shedding load: {shed} · {lag}</source>
        <translation>⚠ 正在降载：{shed} · {lag}</translation>
    </message>
    <message>
        <source>Quotes arrive faster than the engine processes them: each symbol&apos;s waiting quote is replaced by its newest (no traded volume is lost).</source>
        <translation>行情到达速度超过引擎处理速度：每个代码等待中的行情被最新一笔替换（成交量不会丢失）。</translation>
    </message>
    <message>
        <source>GUI loop latency (99th percentile of a 20 ms heartbeat)</source>
        <translation>界面事件循环延迟（20 毫秒心跳的 99 分位）</translation>
    </message>
    <message>
        <source> · {seconds} s</source>
        <translation> · {seconds} 秒</translation>
    </message>
    <message>
        <source> · {minutes} min</source>
        <translation> · {minutes} 分钟</translation>
    </message>
    <message>
        <source> · {hours} h</source>
        <translation> · {hours} 小时</translation>
    </message>
</context>
</TS>
