//! Pinyin initials of Chinese names, for search (张三丰 ← `zsf`).
