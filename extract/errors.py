"""Input errors a user may see. Each carries a short Chinese message the bot can show as is."""

from __future__ import annotations

from extract.filetypes import SUPPORTED_DESCRIPTION

# ".txt、.md、.docx、.pdf、.html" -> ".txt、.md、.docx、.pdf 或 .html"
_SUPPORTED_SPOKEN = " 或 ".join(SUPPORTED_DESCRIPTION.rsplit("、", 1))


class InputError(Exception):
    """Base class: bad input, never a bug. `user_message` is safe to show to a user."""

    user_message: str = "无法读取该文件。"

    def __init__(self, detail: str | None = None, *, user_message: str | None = None) -> None:
        if user_message is not None:
            self.user_message = user_message
        super().__init__(detail or self.user_message)


class EmptyInputError(InputError):
    user_message = "文件是空的，没有可读取的文字。"


class TooLargeError(InputError):
    user_message = "文件太大，超过了大小上限。"


class UnsupportedTypeError(InputError):
    user_message = f"不支持这种文件类型。请发送 {_SUPPORTED_SPOKEN} 文件，或直接粘贴文字。"


class BinaryContentError(InputError):
    user_message = "文件内容不是文字（看起来是二进制文件）。"


class DecodeError(InputError):
    user_message = "无法识别文件的文字编码（支持 UTF-8、GB18030/GBK、Big5、UTF-16）。"


class ScannedPdfError(InputError):
    user_message = (
        "这是扫描版 PDF，没有文字层，暂不支持识别图片中的文字（OCR）。"
        "请发送带文字的 PDF、.docx，或直接粘贴文字。"
    )


class CorruptFileError(InputError):
    user_message = "文件已损坏或格式不正确，无法打开。"


class InflatedTooLargeError(InputError):
    """A compressed file (a .docx's zip members, a PDF's streams) inflating past the caps of
    extract/text/limits.py: a decompression bomb, or nothing a report would be."""

    user_message = "文件解压后太大（可能是“压缩炸弹”），不像是一份报告，已拒绝处理。可以只粘贴正文文字。"
