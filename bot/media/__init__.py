"""Photos and places residents send with their reports: what they are attached to, the
photos' fetch from WeChat's temporary media, and how they are stored (docs/architecture.md)."""
