"""Chinese input without Kivy: pinyin and initials to candidates, handwriting, the keyboard's state."""
