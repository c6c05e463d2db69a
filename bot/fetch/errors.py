"""Why a link could not be read: each a short Chinese message a user can be shown as is.

Subclasses of extract.errors.InputError, so the service fails a link report with the message like any bad
upload. No server text, address or exception detail ever goes into a user message (only into `detail`,
for the log).
"""

from __future__ import annotations

from extract.errors import InputError

SEND_INSTEAD = "可以把报告正文粘贴过来，或直接发送文件。"


class LinkError(InputError):
    user_message = "无法读取这个链接。" + SEND_INSTEAD


class LinkSchemeError(LinkError):
    user_message = "只能读取 http:// 或 https:// 开头的网页链接。"


class LinkRefused(LinkError):
    """SSRF guard: the link leads to this machine or a private network."""

    user_message = "这个链接指向本机或内部网络地址，出于安全原因不能读取。"


class LinkNotFound(LinkError):
    user_message = "网页不存在（404），请检查链接是否完整。"


class LinkForbidden(LinkError):
    user_message = "网站拒绝访问（需要登录或权限），读取不到报告内容。" + SEND_INSTEAD


class LinkLogin(LinkError):
    user_message = "这个链接打开的是登录页面，读取不到报告内容。" + SEND_INSTEAD


class LinkHTTPError(LinkError):
    user_message = "网站返回了错误，没能读取这个链接，请稍后再试。"


class LinkUnreachable(LinkError):
    user_message = "无法连接到这个网站（网址无法解析或连接失败），请检查链接或稍后再试。"


class LinkTimeout(LinkError):
    user_message = "网站响应太慢，没能在时限内读完这个链接，请稍后再试。" + SEND_INSTEAD


class LinkTooLarge(LinkError):
    user_message = "链接里的文件太大，超过了大小上限，没有读取。"


class LinkRedirects(LinkError):
    user_message = "这个链接跳转次数过多（可能是循环跳转），没能读取。"


class LinkImage(LinkError):
    user_message = "这个链接是一张图片，目前只能读取网页和文档（.txt、.docx、.pdf、.html）。" + SEND_INSTEAD


class LinkUnsupported(LinkError):
    user_message = "这个链接里的文件类型不支持，只能读取网页和 .txt、.docx、.pdf 文件。"


class LinkNoArticle(LinkError):
    user_message = (
        "这个网页上没有找到正文（只有导航、目录或链接）。请发送报告正文所在页面的链接，或直接发送文件。"
    )
