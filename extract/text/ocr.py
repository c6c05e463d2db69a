"""Pictures and scans -> text, offline on the CPU: RapidOCR (PP-OCRv4 models inside the
`rapidocr-onnxruntime` wheel, run by onnxruntime; nothing is downloaded) reads each page, then
extract/text/ocr_layout.py puts the lines back into paragraphs in reading order.

The engine is built once per process, lazily (importing this module loads neither onnxruntime nor the
models: the CLI starts fast). Every character comes with the recogniser's confidence; a number whose
digits were read with less than UNSURE confidence is kept as an `Uncertain` snippet, found again in
the normalised text (extract/text/ocr_marks.py) so its figure is shown 「识别可能有误」.

Pictures are checked before they are decoded: more than MAX_PIXELS is refused with a clear message
(a decompression bomb, or a picture no phone takes), a large one is scaled down to what OCR needs,
a tall screenshot is cut at blank rows into slices the detector can read.
"""

from __future__ import annotations

import io
import threading
import warnings
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from extract.errors import CorruptFileError, EmptyInputError, TooLargeError
from extract.filetypes import BUNDLE_MAGIC, is_bundle

if TYPE_CHECKING:  # the layout (and `statistics`) load with the first picture: the CLI starts fast
    from extract.text.ocr_layout import Box, PageLayout

MAX_PIXELS = 60_000_000  # 60 MP: a phone photo is 12-50 MP; a 10,000 × 10,000 picture is refused
OCR_SIDE = 2400  # longer side a page is scaled to before OCR (A4 at ~200 dpi: enough for 10 pt text)
SLICE_RATIO = 1.5  # a picture taller than this many widths is read in slices (long screenshots)
UNSURE = 0.90  # a digit the recogniser was less sure of than this marks its number 识别可能有误
DEFAULT_MAX_PAGES = 30
OCR_NOTE = "文字由图片识别，数字请以原件为准"  # the first warning of every digest of a picture
UNSURE_MARK = "识别可能有误"  # after a figure whose digits OCR was unsure of

# The bot sets this to see page progress (called from the worker thread: page, pages); the CLI does not.
PROGRESS: ContextVar[Callable[[int, int], None] | None] = ContextVar("countybot_ocr_progress", default=None)

_engine = None
_engine_lock = threading.Lock()
_run_lock = threading.Lock()  # one page at a time per process: onnxruntime already uses every core


def engine():
    """The RapidOCR engine, built on first use (about 1 s) and kept for the process."""
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                from rapidocr_onnxruntime import RapidOCR

                _engine = RapidOCR()
    return _engine


@dataclass(slots=True)
class Uncertain:
    """A number the OCR read with low confidence, with the characters around it as read."""

    before: str
    number: str
    after: str


@dataclass(slots=True, kw_only=True)
class OcrText:
    text: str
    pages: int  # pages read
    total_pages: int  # pages the input had (more than `pages` when the cap stopped reading)
    uncertain: list[Uncertain] = field(default_factory=list)
    confidence: float = 1.0  # mean character confidence
    page_texts: list[str] = field(default_factory=list)


class ImageTooLargeError(TooLargeError):
    user_message = "图片太大，超过了可识别的上限。"


class NoTextInImageError(EmptyInputError):
    user_message = "图片或扫描件里没有识别出文字。请发送更清晰的照片或扫描件，或直接粘贴文字。"


# --- pictures -----------------------------------------------------------------------------------


def open_picture(data: bytes):
    """Bytes -> an RGB numpy array no longer than OCR_SIDE, EXIF rotation applied. Size checked first."""
    import numpy as np
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own limit is lower
            img = Image.open(io.BytesIO(data))  # reads the header only
            w, h = img.size
            if w * h > MAX_PIXELS:
                raise ImageTooLargeError(
                    f"picture is {w}×{h} pixels, over {MAX_PIXELS} pixels",
                    user_message=(
                        f"图片太大（{w}×{h} 像素），超过了 {MAX_PIXELS // 10_000} 万像素的上限。"
                        "请缩小后再发送，或分成几张。"
                    ),
                )
            if img.format == "JPEG":  # decode a big JPEG at 1/2..1/8 scale: less memory, same text
                img.draft("RGB", (OCR_SIDE, OCR_SIDE))
            img = ImageOps.exif_transpose(img)
            img = img.convert("RGB")
    except ImageTooLargeError:
        raise
    except Image.DecompressionBombError as exc:  # over twice Pillow's own limit: refused while opening
        raise ImageTooLargeError(f"picture refused by Pillow: {exc}") from exc
    except UnidentifiedImageError as exc:
        raise CorruptFileError(f"cannot open picture: {type(exc).__name__}: {exc}") from exc
    except Exception as exc:  # Pillow raises OSError, ValueError, SyntaxError... for broken files
        raise CorruptFileError(f"cannot open picture: {type(exc).__name__}: {exc}") from exc
    w, h = img.size
    side = max(w, h) if h <= SLICE_RATIO * w else w  # a tall screenshot keeps its width
    if side > OCR_SIDE:
        scale = OCR_SIDE / side
        img = img.resize((max(1, round(w * scale)), max(1, round(h * scale))), Image.Resampling.LANCZOS)
    return np.asarray(img)


def _slices(gray) -> list[tuple[int, int]]:
    """Row ranges of a tall picture, cut at the blankest row near each SLICE_RATIO × width."""
    h, w = gray.shape[:2]
    if h <= SLICE_RATIO * w:
        return [(0, h)]
    step = int(SLICE_RATIO * w * 0.9)
    ink = gray.std(axis=1)  # a blank row (between text lines) has almost no spread
    cuts, start = [], 0
    while h - start > SLICE_RATIO * w:
        lo, hi = start + int(step * 0.8), min(h, start + step)
        cut = lo + int(ink[lo:hi].argmin())
        cuts.append((start, cut))
        start = cut
    cuts.append((start, h))
    return cuts


def read_boxes(rgb) -> list[Box]:
    """One page's text boxes with per-character confidences (RapidOCR's own stages, run in order, with
    the recogniser's per-character output the one-call API averages away)."""
    import numpy as np

    ocr = engine()
    gray = rgb.mean(axis=2)
    found: list[tuple[list, str, list[float]]] = []
    for top, bottom in _slices(gray):
        part = np.ascontiguousarray(rgb[top:bottom, :, ::-1])  # RapidOCR works in BGR, as OpenCV reads
        with _run_lock:
            for points, text, confs in _run(ocr, part):
                found.append(([(x, y + top) for x, y in points], text, confs))
    return _deskewed(found)


def _deskewed(found: list[tuple[list, str, list[float]]]) -> list[Box]:
    """Boxes as if the page were straight: a scan turned by a few degrees shifts each line's left edge
    by a line's height every ~20 lines, which would read as indents."""
    import math
    import statistics

    from extract.text.ocr_layout import Box

    angles = []
    for points, text, _ in found:
        (x0, y0), (x1, y1) = points[0], points[1]  # the top edge, left to right
        if len(text) >= 6 and x1 - x0 > 0:
            angles.append(math.atan2(y1 - y0, x1 - x0))
    angle = statistics.median(angles) if angles else 0.0
    cos, sin = math.cos(-angle), math.sin(-angle)
    boxes = []
    for points, text, confs in found:
        turned = [(x * cos - y * sin, x * sin + y * cos) for x, y in points]
        xs, ys = [p[0] for p in turned], [p[1] for p in turned]
        boxes.append(Box(min(xs), min(ys), max(xs), max(ys), text, confs))
    return boxes


def _run(ocr, img) -> list[tuple[list, str, list[float]]]:
    raw_h, raw_w = img.shape[:2]
    op_record: dict = {}
    img, ratio_h, ratio_w = ocr.preprocess(img)
    op_record["preprocess"] = {"ratio_h": ratio_h, "ratio_w": ratio_w}
    img, op_record = ocr.maybe_add_letterbox(img, op_record)
    dt_boxes, _ = ocr.auto_text_det(img)
    if dt_boxes is None or len(dt_boxes) == 0:
        return []
    crops = ocr.get_crop_img_list(img, dt_boxes)
    # no angle classifier: report lines are upright (a phone's EXIF rotation is applied on opening),
    # and the classifier turned whole upright lines upside down, which then read as nothing (measured
    # with `countybot eval --ocr`: lines with digits and quotes were lost on pages turned by 3°)
    rec, _ = ocr.text_rec(crops, True)  # return_word_box: the per-character confidences too
    dt_boxes = ocr._get_origin_points(dt_boxes, op_record, raw_h, raw_w)
    out = []
    for box, (text, score, info) in zip(dt_boxes, rec, strict=False):
        if not text.strip() or float(score) < ocr.text_score:
            continue
        confs = [float(c) for c in info[4]]
        if len(confs) != len(text):  # never seen; keep the line's mean for every character
            confs = [float(score)] * len(text)
        out.append((box.tolist(), text, confs))
    return out


# --- albums and scans ----------------------------------------------------------------------------


def pack(pictures: list[bytes]) -> bytes:
    """An album's pictures, in order, as one report's bytes: magic, a JSON line of sizes, the bytes."""
    import json  # only for albums: a text report's cold start needs no json

    head = json.dumps([len(p) for p in pictures]).encode("ascii")
    return BUNDLE_MAGIC + head + b"\n" + b"".join(pictures)


def unpack(data: bytes) -> list[bytes]:
    """pack()'s pictures; any other bytes are one picture."""
    if not is_bundle(data):
        return [data]
    import json

    head, _, body = data[len(BUNDLE_MAGIC) :].partition(b"\n")
    try:
        sizes = [int(n) for n in json.loads(head)]
    except (ValueError, TypeError) as exc:
        raise CorruptFileError("broken picture bundle") from exc
    if sum(sizes) != len(body) or any(n <= 0 for n in sizes):
        raise CorruptFileError("broken picture bundle")
    out, at = [], 0
    for n in sizes:
        out.append(body[at : at + n])
        at += n
    return out


class BlankScanError(EmptyInputError):
    user_message = "这份 PDF 没有文字层，也没有可识别的扫描图片（可能是空白页）。"


def ocr_scanned_pdf(data: bytes, *, max_pages: int = DEFAULT_MAX_PAGES) -> OcrText:
    """A PDF without a text layer: the pictures of its first `max_pages` pages, read in page order."""
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        total = len(reader.pages)
        pages = reader.pages[:max_pages]
    except Exception as exc:  # pypdf raises many types for broken files
        raise CorruptFileError(f"cannot open PDF: {type(exc).__name__}: {exc}") from exc
    pictures: list[bytes] = []
    unreadable = 0
    for page in pages:
        try:
            images = list(page.images)
            if images:  # a scanned page is one picture: the largest
                pictures.append(max(images, key=lambda im: im.image.width * im.image.height).data)
        except Exception:  # an image filter pypdf cannot decode (JBIG2...), a broken stream
            unreadable += 1
    if not pictures:
        if unreadable:
            raise CorruptFileError(
                f"none of the {unreadable} scanned pages could be decoded",
                user_message="这份扫描版 PDF 的图片格式无法解码。请另存为普通 PDF 或图片后再发送。",
            )
        raise BlankScanError(f"PDF of {total} pages has neither text nor pictures")
    result = ocr_pictures(pictures, max_pages=max_pages, total=total)
    result.pages = len(pages)
    return result


# --- documents ----------------------------------------------------------------------------------


def ocr_pictures(
    pictures: list[bytes], *, max_pages: int = DEFAULT_MAX_PAGES, total: int | None = None
) -> OcrText:
    """Pages in order -> text; at most `max_pages` read (the rest counted in total_pages)."""
    total = total if total is not None else len(pictures)
    todo = pictures[:max_pages]
    from extract.text.ocr_layout import PageLayout

    progress = PROGRESS.get()
    pages: list[PageLayout] = []
    for number, data in enumerate(todo, start=1):
        if progress is not None:
            try:
                progress(number, len(todo))
            except Exception:  # progress is a courtesy: never a reason to stop reading
                import logging  # imported here: a text report's cold start needs no logging

                logging.getLogger(__name__).debug("progress callback failed", exc_info=True)
        rgb = open_picture(data)
        pages.append(PageLayout(width=rgb.shape[1], height=rgb.shape[0], boxes=read_boxes(rgb)))
    return finish(pages, total)


def finish(pages: list[PageLayout], total: int) -> OcrText:
    from extract.text.ocr_layout import layout_pages

    laid = layout_pages(pages)
    if not laid.text.strip():
        raise NoTextInImageError(f"no text found in {len(pages)} picture(s)")
    return OcrText(
        text=laid.text,
        pages=len(pages),
        total_pages=total,
        uncertain=[Uncertain(b, n, a) for b, n, a in laid.unsure_numbers(UNSURE)],
        confidence=laid.confidence,
        page_texts=laid.page_texts,
    )
