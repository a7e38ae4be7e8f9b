// Placeholder until the Drawing module lands; delete me.
