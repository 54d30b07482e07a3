<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name></name>
    <message>
        <source>Last</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ask</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Price</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move on the day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bar close against an indicator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>up by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>down by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>up or down by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>closes above</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>closes below</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>closes across</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>rises to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>falls to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>crosses</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{way} {percent}% on the day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{timeframe} bar {way} {indicator}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{field} {way} {price}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>fired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>armed, re-arms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>armed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>O</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>H</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>L</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>C</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Vol</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TP</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SL trailing {distance}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trailing {distance}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OCO</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Buy limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sell limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Buy stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sell stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Buy stop-limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sell stop-limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Buy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sell</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Long</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Short</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ActivityFeed</name>
    <message>
        <source>{order} ({order_id} at {broker})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Submitted {order}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Accepted {order}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Partly filled {filled} of {order}, average {price}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filled {order}, average {price}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled {order}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rejected {order}: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no reason given</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Expired {order}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{instance} ({strategy} on {symbols})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Strategy {instance} stopped by an error: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Strategy {instance} removed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Strategy {instance} running: warm-up done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Strategy {instance} started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Strategy {instance} stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Strategy {instance} added</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refused {command}: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kill switch: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AlertDialog</name>
    <message>
        <source>Edit alert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New alert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re-arm after it fires (once the condition has cleared)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No mail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mail through {broker}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Symbol</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Condition</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quote</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>When it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Price</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Percent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Timeframe</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Indicator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AlertNotifier</name>
    <message>
        <source>Terminal alerts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alert: {symbol}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{condition} — now {value}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AlertsPanel</name>
    <message>
        <source>New alert…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit alert…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re-arm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove alert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Symbol</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Condition</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last fired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>At</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>Trading record damaged</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChartAlerts</name>
    <message>
        <source>Edit alert…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re-arm alert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove alert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alert (fired): {condition}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alert: {condition}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alert when last crosses {price}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alert…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChartDrawings</name>
    <message>
        <source>Horizontal line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trend line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rectangle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fibonacci retracement</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete drawing</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChartOrderLines</name>
    <message>
        <source>Order {order}: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel order</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>waits for {entry}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DrawMenu</name>
    <message>
        <source>Magnet (snap to open, high, low, close)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Draw</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HistoryStatus</name>
    <message>
        <source>History: fetching…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>History: {source} {done}/{total} · {bars} bars</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>History: {bars} bars from {source}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>History failed: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>KillSwitchButton</name>
    <message>
        <source>■ Kill switch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel all working orders and stop all strategies ({key})</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LogPanel</name>
    <message>
        <source>Activity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Level</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All components</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter: text, symbol, order id…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy shown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy every line shown (Ctrl+C copies the selection)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Messages ⚠ {count}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Terminal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Market watch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Order ticket</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Depth</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Strategies</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Orders</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trades</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Positions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>P&amp;&amp;L</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Venue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Health</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mark filled / cancelled…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close position</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (+{count} more, Venue dock)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (Venue dock)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kill switch: cancels sent, strategies stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kill switch: cancel {working} working orders and stop {running} running strategies?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re-arm circuit breaker {breaker} ({target})? It tripped on: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confirm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plugins</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The language changes when the terminal is started again</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Names</name>
    <message>
        <source>buy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sell</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>market</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stop limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>close today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>close yesterday</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>good till cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>immediate or cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>fill or kill</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>submitted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>accepted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>partially filled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>filled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pending cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>rejected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>expired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>warming up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>removed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>connecting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>live</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>disconnected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>feed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>broker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>strategy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>history</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>loaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>queued</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>retrying</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>take-profit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stop-loss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>leg</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>trailing stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>done</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PnlPanel</name>
    <message>
        <source>Equity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>P&amp;L</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Realised</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unrealised</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Net</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Account {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Strategy {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All accounts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No P&amp;L yet: it is sampled on fills and as prices move</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Equity {value}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Realised {value}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unrealised {value}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Net {value}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>at {time}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TicketForm</name>
    <message>
        <source>Nothing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bracket: take-profit and stop-loss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OCO: a limit at the price, a stop at the trigger</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trailing stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A bracket&apos;s exits go live when the order fills, sized to the fill; the first to fill cancels the other. An OCO pair: the first filled cancels the other. A trailing stop follows the price by the trail.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>price</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take-profit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop-loss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trail by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attach</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TimeZoneButton</name>
    <message>
        <source>Exchange time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exchange time ({zone})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Local time ({zone})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Local time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Times on the chart are in {zone}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ToastMessage</name>
    <message>
        <source>Click to dismiss</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WatchTable</name>
    <message>
        <source>Alert…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WindowMenuBar</name>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;replay…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Play a run&apos;s journal in a window of its own</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;New chart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Light</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>As the system</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Reset layout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Plugins…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test &amp;email…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Terminal {version}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
