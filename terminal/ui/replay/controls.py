"""The playback toolbar of a replay window: pause, 1×, 10×, max, step; progress and clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QIcon, QKeySequence
from PySide6.QtWidgets import QLabel, QProgressBar, QStyle, QToolBar, QWidget

from terminal.engine.replay.player import SPEEDS
from terminal.ui.i18n.dates import day_text
from terminal.ui.replay.bridge import ReplayBridge
from terminal.ui.theme import Theme

REFRESH_MS = 50


def replay_clock(ns: int) -> str:
    """The replay clock: local date and time to the millisecond."""
    if not ns:
        return ""
    moment = datetime.fromtimestamp(ns / 1e9)
    return f"{day_text(moment.date())} {moment.strftime('%H:%M:%S.%f')[:-3]}"


class ReplayControls(QToolBar):
    """Drives the replay's player through ``bridge``; shows where it is (events done/total,
    the replay clock) and, at the end, whether the strategies placed the orders placed live."""

    def __init__(
        self,
        bridge: ReplayBridge,
        theme: Theme,
        show_details: Callable[[str], Any],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Replay"))
        self.setObjectName("replayToolbar")
        self.setMovable(False)
        self._bridge = bridge
        self._theme = theme
        self._show_details = show_details
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        group = QActionGroup(self)
        group.setExclusive(True)
        self.pause_action = self._mode(
            self.tr("Pause"), self.tr("Pause the replay (Space)"), self.pause, group
        )
        self.pause_action.setIcon(self._icon(QStyle.StandardPixmap.SP_MediaPause))
        tips = (self.tr("Play at recorded speed"), self.tr("Play ten times faster"),
                self.tr("Play as fast as possible"))  # fmt: skip
        self.speed_actions: dict[str, QAction] = {
            text: self._mode(
                self.tr("Max") if text == "max" else text, tip,
                lambda _=False, s=speed: self.play(s), group,
            )
            for (text, speed), tip in zip(SPEEDS.items(), tips, strict=True)
        }
        self._last_speed = bridge.playback().speed
        self.toggle_action = QAction(self.tr("Pause/resume"), self)
        self.toggle_action.setShortcut(QKeySequence(Qt.Key.Key_Space))
        self.toggle_action.triggered.connect(self.toggle)  # a shortcut only: the window adds it
        self.speed_actions["1×"].setIcon(self._icon(QStyle.StandardPixmap.SP_MediaPlay))
        self.step_action = self.addAction(
            self._icon(QStyle.StandardPixmap.SP_MediaSkipForward), self.tr("Step")
        )
        self.step_action.setToolTip(
            self.tr("Apply exactly the next event (pauses first) — Ctrl+Right")
        )
        self.step_action.setShortcut(QKeySequence("Ctrl+Right"))
        self.step_action.triggered.connect(self.step)
        self.addSeparator()
        self.progress = QProgressBar(self)
        self.progress.setObjectName("replayProgress")
        self.progress.setRange(0, max(1, bridge.playback().total))
        self.progress.setMinimumWidth(180)
        self.progress.setMaximumWidth(320)
        self.addWidget(self.progress)
        self.clock_label = QLabel(self)
        self.clock_label.setObjectName("replayClock")
        self.clock_label.setToolTip(self.tr("Replay clock: exchange time of the current event"))
        self.addWidget(self.clock_label)
        self.addSeparator()
        self.state_label = QLabel(self)
        self.state_label.setObjectName("replayState")
        self.addWidget(self.state_label)
        self.details_action = self.addAction(self.tr("Details…"))
        self.details_action.setToolTip(
            self.tr("Orders placed in the replay beside those placed live")
        )
        self.details_action.triggered.connect(self.details)
        self.details_action.setVisible(False)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.refresh()

    def _mode(self, text: str, tip: str, slot: Callable[..., None], group: QActionGroup) -> QAction:
        """One of the exclusive buttons: pause, or a speed."""
        action = QAction(text, self, checkable=True)
        action.setToolTip(tip)
        action.triggered.connect(slot)
        group.addAction(action)
        self.addAction(action)
        return action

    def _icon(self, pixmap: QStyle.StandardPixmap) -> QIcon:
        return self.style().standardIcon(pixmap)

    # ---- actions -------------------------------------------------------------------------
    def play(self, speed: float | None) -> None:
        self._last_speed = speed
        self._bridge.play(speed)
        self.refresh()

    def pause(self) -> None:
        self._bridge.pause()
        self.refresh()

    def toggle(self) -> None:
        if self._bridge.playback().paused:
            self.play(self._last_speed)
        else:
            self.pause()

    def step(self) -> None:
        self._bridge.step()
        self.refresh()

    def details(self) -> None:
        self._show_details(self.details_text())

    def details_text(self) -> str:
        bridge = self._bridge
        lines = [self.tr("Replay of {journal}").format(journal=bridge.journal_path()), ""]
        result = bridge.result()
        if result is not None:
            lines.append(result.summary(bridge.scope()))
        shown = bridge.placed()[:20]
        if shown:
            lines += ["", self.tr("Orders placed in the replay (first {count}):").format(
                count=len(shown))]
            lines += [f"{n:>4}  {order.describe()}" for n, order in enumerate(shown, 1)]
        problems = bridge.problems()
        if problems:
            lines += ["", self.tr("Problems:"), *problems]
        return "\n".join(lines)

    # ---- showing -------------------------------------------------------------------------
    def refresh(self) -> None:
        playback = self._bridge.playback()
        done, total = playback.position, playback.total
        self.progress.setValue(done)
        self.progress.setFormat(
            self.tr("{done} / {total} events").format(done=f"{done:,}", total=f"{total:,}")
        )
        self.clock_label.setText(replay_clock(playback.event_ns))
        if playback.finished:
            self._show_finished()
            return
        checked = (
            self.pause_action
            if playback.paused
            else next(a for t, a in self.speed_actions.items() if SPEEDS[t] == playback.speed)
        )
        checked.setChecked(True)
        self.step_action.setEnabled(playback.paused)
        if playback.paused:
            text, color = self.tr("Paused"), ""
        else:
            speed = self.tr("at max speed") if playback.speed is None else f"{playback.speed:g}×"
            text, color = self.tr("Playing {speed}").format(speed=speed), self._theme.good
        if playback.divergence is not None:
            text += self.tr(" · ⚠ differs from live at order {number}").format(
                number=playback.divergence + 1)
            color = self._theme.warning
        self._set_state(text, color)

    def _show_finished(self) -> None:
        if self.details_action.isVisible():
            return
        self._timer.stop()
        for action in [self.pause_action, *self.speed_actions.values(), self.step_action,
                       self.toggle_action]:  # fmt: skip
            action.setEnabled(False)
        bridge, result = self._bridge, self._bridge.result()
        placed = len(bridge.placed())
        if result is None or result.first_difference() is None:
            live = bridge.live_count()
            text = self.tr(
                "Replay finished · {placed} orders placed, identical to the {live} live"
            ).format(placed=placed, live=live)
            color = self._theme.good
        else:
            n = result.first_difference()
            assert n is not None
            text = self.tr(
                "Replay finished · {placed} orders placed · differs from live at order {number}"
            ).format(placed=placed, number=n + 1)
            color = self._theme.bad
        problems = bridge.problems()
        if problems:
            text += self.tr(" · {count} problem(s)").format(count=len(problems))
        self._set_state(text, color)
        self.details_action.setVisible(True)

    def _set_state(self, text: str, color: str) -> None:
        self.state_label.setText(text)
        self.state_label.setStyleSheet(f"color: {color}; font-weight: bold" if color else "")

    def stop(self) -> None:
        self._timer.stop()
