"""Trading panels: order ticket, depth, the orders blotter and mail-alert dialogs."""
