"""Read-aloud through a real espeak-ng process (written to a WAV file: CI has no sound card)."""

import time
import wave
from pathlib import Path

from kiosk.speech import Speaker, speakable


def test_speaking_returns_at_once_and_produces_mandarin_audio(tmp_path):
    wav = tmp_path / "speech.wav"
    speaker = Speaker(wav_path=wav)
    started = time.monotonic()
    speaker.speak("政务公开专区欢迎您。请问您要查询什么文件？")
    assert time.monotonic() - started < 0.5
    assert speaker.wait(30) == 0
    with wave.open(str(wav)) as audio:
        seconds = audio.getnframes() / audio.getframerate()
    assert 2 < seconds < 20
    assert not speaker.speaking


def test_stop_ends_a_long_reading_at_once(tmp_path):
    speaker = Speaker(wav_path=tmp_path / "long.wav", words_per_minute=80)
    speaker.speak("关于深入推进政务公开加强制度和平台建设的通知。" * 400)
    assert speaker.speaking
    text_file = Path(speaker._text_file)
    started = time.monotonic()
    speaker.stop()
    assert time.monotonic() - started < 1.5
    assert not speaker.speaking
    assert not text_file.exists()


def test_a_new_reading_replaces_the_one_going(tmp_path):
    speaker = Speaker(wav_path=tmp_path / "a.wav")
    speaker.speak("第一段。" * 500)
    first = speaker._process
    speaker.speak("第二段。")
    assert first.poll() is not None  # the first reading was stopped
    assert speaker.wait(30) == 0


def test_blank_text_is_not_read_and_full_width_spaces_are_dropped():
    assert speakable("\u3000\u3000第一段\n\n  \n第二段  内容") == "第一段\n第二段 内容"
    speaker = Speaker()
    speaker.speak(" \n\u3000")
    assert not speaker.speaking
