"""A quantity field in an instrument's lots: it steps by the lot and shows as many decimals as
the lot needs (``0.0001``, not ``0.0001000``), while a finer figure may still be typed so that
the venue rules can round it down to the lot and say so."""

from __future__ import annotations

from PySide6.QtWidgets import QDoubleSpinBox, QWidget

EXTRA_DECIMALS = 3  # a fractional quantity may be typed this much finer than its lot


def lot_places(lot: float) -> int:
    """Decimals a multiple of ``lot`` needs (0 for a lot that is no positive number)."""
    return len(f"{lot:.10f}".rstrip("0").partition(".")[2]) if lot > 0 else 0


class QuantityBox(QDoubleSpinBox):
    """A ``QDoubleSpinBox`` for quantities; :meth:`set_lot` fits it to an instrument."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(0, 1e12)
        self._shown_places = self.decimals()

    def set_lot(self, lot: float) -> None:
        """Step by ``lot``; show its decimals, accept :data:`EXTRA_DECIMALS` more when it is
        fractional (typed finer, then rounded down to the lot where the ticket says so)."""
        self._shown_places = lot_places(lot)
        extra = EXTRA_DECIMALS if 0 < lot < 1 else 0
        self.setDecimals(self._shown_places + extra)
        self.setSingleStep(lot if lot > 0 else 1.0)

    def textFromValue(self, value: float) -> str:
        """The value with the lot's decimals, and more only where it has them."""
        text = super().textFromValue(value)
        point = self.locale().decimalPoint()
        whole, found, fraction = text.partition(point)
        if not found:
            return text
        fraction = fraction.rstrip("0").ljust(self._shown_places, "0")
        return whole + point + fraction if fraction else whole
