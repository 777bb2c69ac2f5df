"""Import and export speak the request's language too (issue 10, §2).

A Keras-import error, the page's import box, a download link's 404/422 and the refusals of the
PyTorch and Keras code exports are written through `app.core.translation`, in the language the
request asked for, while they are produced (some of them in the thread pool). English is
unchanged: tests/test_interop_http.py and tests/test_interop_keras.py assert it.
"""

from __future__ import annotations

import html
import json
from typing import Any

import anyio
import httpx
import pytest
from own_thread import in_own_thread
from starlette.concurrency import run_in_threadpool
from test_core_texts_zh import core_msgids
from test_interop_http import KERAS_JSON, TORCH_CANNOT_BUILD

from app.core import translation
from app.i18n import translations

UNSUPPORTED = "层 'encoder'（GaussianNoise）：不支持层类型 'GaussianNoise'"


def keras_json_with(class_name: str) -> dict[str, Any]:
    """The Keras JSON of tests/test_interop_http.py with its ConvLSTM2D replaced."""
    changed: dict[str, Any] = json.loads(json.dumps(KERAS_JSON))
    changed["config"]["layers"][1]["class_name"] = class_name
    return changed


def test_the_thread_pool_runs_in_the_language_of_the_request_that_sent_work_there() -> None:
    """The page's import and the sync routes run in Starlette's thread pool: the context (and
    with it the active catalog) travels with the work."""

    async def in_chinese() -> str:
        with translation.active(translations("zh")):
            return await run_in_threadpool(translation.gettext, "the model has no list of layers")

    assert in_own_thread(lambda: anyio.run(in_chinese)) == "模型没有层列表"


@pytest.mark.parametrize(
    ("query", "headers"), [("?lang=zh", {}), ("", {"Accept-Language": "zh-CN,zh;q=0.9"})]
)
def test_a_keras_import_error_in_chinese_still_names_its_location(
    http: httpx.Client, query: str, headers: dict[str, str]
) -> None:
    response = http.post(
        "/import/keras" + query, json=keras_json_with("GaussianNoise"), headers=headers
    )
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "config", "layers", 1, "class_name"]
    assert error["msg"].startswith(UNSUPPORTED)
    assert "支持的类型：" in error["msg"] and "is not supported" not in error["msg"]


def test_a_validator_s_refusal_inside_a_keras_import_is_chinese(http: httpx.Client) -> None:
    changed = json.loads(json.dumps(KERAS_JSON))
    changed["config"]["layers"][1]["config"]["kernel_size"] = [3, 3, 3]
    response = http.post("/import/keras?lang=zh", json=changed)
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "config", "layers", 1, "config", "kernel_size"]
    assert error["msg"] == (
        "层 'encoder'（ConvLSTM2D）：kernel_size：`kernel_size` 必须是整数或 2 个整数的列表；"
        "收到 [3, 3, 3]（3 个值）"
    )


def test_a_schema_refusal_inside_a_keras_import_is_said_as_summary_would_say_it(
    http: httpx.Client,
) -> None:
    changed = json.loads(json.dumps(KERAS_JSON))
    changed["config"]["layers"][1]["config"]["filters"] = 0
    english = http.post("/import/keras", json=changed).json()["detail"][0]
    assert english["loc"] == ["body", "config", "layers", 1, "config", "filters"]
    assert english["msg"].endswith("filters: filters must be at least 1; received 0")
    chinese = http.post("/import/keras?lang=zh", json=changed).json()["detail"][0]
    assert chinese["msg"].startswith("层 'encoder'（ConvLSTM2D）：filters：")
    assert "must" not in chinese["msg"] and "received" not in chinese["msg"]


def test_a_keras_import_error_is_english_unless_chinese_is_asked_for(http: httpx.Client) -> None:
    http.cookies.set("lang", "zh")  # the page's cookie: the JSON API ignores it
    response = http.post("/import/keras", json=keras_json_with("GaussianNoise"))
    assert "layer 'encoder' (GaussianNoise): layer type" in response.json()["detail"][0]["msg"]


@pytest.mark.parametrize(
    ("pasted", "refusal"),
    [
        # Refused by the import itself, in the thread pool.
        (
            json.dumps(keras_json_with("GaussianNoise")),
            "config.layers.1.class_name: " + UNSUPPORTED,
        ),
        ("{not json", "不是有效的 JSON："),
        # Refused before the import, in the event loop.
        ("   ", "请先粘贴模型 JSON 或选择文件"),
    ],
)
def test_the_import_box_of_a_chinese_page_refuses_in_chinese_keeping_the_text(
    http: httpx.Client, pasted: str, refusal: str
) -> None:
    http.cookies.set("lang", "zh")
    response = http.post("/import", data={"keras_json": pasted, "query": ""})
    assert response.status_code == 422
    page = html.unescape(response.text)
    error = page.split('id="import-error"', 1)[1].split("</p>", 1)[0]
    assert refusal in error
    if pasted.strip():
        assert pasted in page  # back in the text box, to fix
    assert "not supported" not in error and "paste a model" not in error


def test_an_uploaded_file_that_is_not_utf8_is_refused_in_chinese(http: httpx.Client) -> None:
    files = {"keras_file": ("model.json", b"\xff\xfe{", "application/json")}
    response = http.post("/import?lang=zh", data={"query": ""}, files=files)
    assert response.status_code == 422
    assert "model.json 不是 UTF-8 文本" in html.unescape(response.text)


def test_a_download_link_of_an_unknown_format_says_so_in_chinese(http: httpx.Client) -> None:
    response = http.get("/download/xml?lang=zh&input_shape=4,3")
    assert response.status_code == 404
    assert response.text.startswith("未知格式 'xml'；请使用以下格式之一：text, md")


def test_a_download_link_with_an_invalid_model_says_so_in_chinese(http: httpx.Client) -> None:
    response = http.get("/download/md?lang=zh&input_shape=4,3&layers.0.type=Dense&layers.0.units=x")
    assert response.status_code == 422
    assert response.text.startswith("此链接中的模型无效：")
    assert "layers.0.units" in response.text
    assert "must" not in response.text  # the field's own message is Chinese too


def test_a_download_link_torch_cannot_build_says_why_in_chinese(http: httpx.Client) -> None:
    http.cookies.set("lang", "zh")
    query = "input_shape=4,3&layers.0.type=Dense&layers.0.units=7&layers.0.activation=sparsemax"
    response = http.get(f"/download/pytorch-code?{query}")
    assert response.status_code == 422
    assert response.text.startswith(
        "无法导出此模型：激活函数 'sparsemax' 在此没有对应的 PyTorch 写法（支持："
    )


def test_a_pytorch_export_refusal_in_chinese_names_the_layer_and_field(http: httpx.Client) -> None:
    response = http.post("/export/pytorch-code?lang=zh", json=TORCH_CANNOT_BUILD)
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "layers", 1, "interpolation"]
    assert error["msg"] == (
        "UpSampling2D 无法写成 PyTorch 代码：torch 没有 'lanczos3' 缩放方式；"
        "请使用 nearest、bilinear 或 bicubic"
    )


def test_a_keras_code_export_refusal_in_chinese_names_the_field(http: httpx.Client) -> None:
    body = {
        "input_shape": [4, 8, 8, 2],
        "convention": "peephole",
        "layers": [
            {"type": "ConvLSTM2D", "filters": 3, "kernel_size": 5, "recurrent_kernel_size": 1}
        ],
    }
    response = http.post("/export/keras-code?lang=zh", json=body)
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "layers", 0, "recurrent_kernel_size"]
    assert error["msg"].startswith("Keras 无法构建 `recurrent_kernel_size`（这是论文中的")


def test_the_interop_sentences_are_in_the_catalog_wide_check() -> None:
    """tests/test_core_texts_zh.py checks every one has Chinese with the same placeholders."""
    ids = core_msgids()
    for msgid in (
        "{layer}: argument '{key}' = {value} is not supported",  # keras_import.py
        "paste a model JSON or choose a file first",  # interop_pages.py
        "{type} cannot be written as PyTorch code: {reason}",  # torch_layers.py
        "{type} object",  # torch_activations.py
    ):
        assert msgid in ids


# --- `?lang=` in the OpenAPI document ---------------------------------------------------------

WRITES_SENTENCES = ["/summary", "/sweep", "/import/keras", "/export/md", "/export/pytorch-code"]


@pytest.mark.parametrize("path", WRITES_SENTENCES)
def test_the_json_routes_that_write_sentences_document_lang(http: httpx.Client, path: str) -> None:
    operation = http.get("/openapi.json").json()["paths"][path]["post"]
    (lang,) = [p for p in operation["parameters"] if p["name"] == "lang"]
    assert lang["in"] == "query" and lang["required"] is False
    assert lang["schema"]["examples"] == ["en", "zh"]
    assert "`en` or `zh`" in lang["description"]


def test_routes_without_sentences_do_not_document_lang(http: httpx.Client) -> None:
    paths = http.get("/openapi.json").json()["paths"]
    for path in ("/healthz", "/presets"):
        assert "lang" not in [p["name"] for p in paths[path]["get"].get("parameters", [])]


def test_another_lang_is_still_ignored_not_refused(http: httpx.Client) -> None:
    """Documenting `lang` changed nothing: the middleware reads it, a route never refuses it."""
    response = http.post("/import/keras?lang=fr", json=keras_json_with("GaussianNoise"))
    assert response.status_code == 422
    assert "layer type 'GaussianNoise' is not supported" in response.json()["detail"][0]["msg"]
    assert http.post("/import/keras?lang=fr", json=KERAS_JSON).status_code == 200
