"""The cookie scan: the organisation's own websites, visited by headless Chromium before any
choice, after "reject all" and after "accept all", with what each pass set classified by the
Open Cookie Database. Uses the register (parties' web domains) and the consent banner's purposes."""
