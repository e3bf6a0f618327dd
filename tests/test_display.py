from __future__ import annotations

import pytest
from matplotlib.figure import Figure

from usvn.display import FigureOutput, img_html


@pytest.mark.parametrize("alt", ["", "   "])
def test_a_figure_without_alt_text_is_refused(alt):
    with pytest.raises(ValueError, match="alt text"):
        FigureOutput(Figure(), alt)
    with pytest.raises(ValueError, match="alt text"):
        img_html(b"png", alt)


def test_figure_output_is_html_img_with_alt_and_plain_text_alt():
    figure = Figure(figsize=(2, 1))
    figure.subplots().plot([1, 2], [3, 4])
    bundle = FigureOutput(figure, "A rising line from 3 to 4.")._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain"}
    assert bundle["text/html"].startswith('<img alt="A rising line from 3 to 4." src="data:image/png;base64,iVBOR')
    assert "A rising line" in bundle["text/plain"]


def test_figure_output_of_svg_text_is_an_svg_img_and_takes_one_source():
    from chartkit import chart_of

    output = FigureOutput(svg='<svg xmlns="http://www.w3.org/2000/svg"><text>1995</text></svg>', alt="One year.")
    bundle = output._repr_mimebundle_()
    alt, svg = chart_of(bundle["text/html"])
    assert alt == "One year." and bundle["text/plain"] == "[Figure] One year."
    with pytest.raises(ValueError, match="either a matplotlib figure or svg text"):
        FigureOutput(Figure(), "Both.", svg="<svg/>")
    with pytest.raises(ValueError, match="either a matplotlib figure or svg text"):
        FigureOutput(alt="Neither.")
    with pytest.raises(ValueError, match="alt text"):
        FigureOutput(svg="<svg/>", alt=" ")


def test_a_widget_with_static_fallback_refers_to_the_widget_view_as_ipywidgets_does():
    import ipywidgets as widgets

    from usvn.display import WithStaticFallback

    box = widgets.VBox([widgets.Button(description="Check answer")])
    bundle = WithStaticFallback(box, "<p>Static copy</p>", "Static copy")._repr_mimebundle_()
    view = "application/vnd.jupyter.widget-view+json"
    assert bundle[view] == box._repr_mimebundle_()[view] and bundle[view]["model_id"] == box.model_id
    assert bundle["text/html"] == "<p>Static copy</p>" and bundle["text/plain"] == "Static copy"


def test_feedback_is_announced_escaped_and_never_empty():
    from usvn.display import announce

    class Area:  # an ipywidgets.Output stand-in: announce only sets .outputs
        outputs = ({"output_type": "stream", "name": "stdout", "text": "old"},)

    area = Area()
    announce(area, "Not quite: <b> is not an answer.", "<p>Hint</p>")
    (output,) = area.outputs
    assert output["data"]["text/plain"] == "Not quite: <b> is not an answer."
    assert output["data"]["text/html"] == (
        '<div class="usvn-feedback" role="alert"><p>Not quite: &lt;b&gt; is not an answer.</p><p>Hint</p></div>'
    )
    with pytest.raises(ValueError, match="Feedback needs"):
        announce(area, "  ")


def test_an_svg_chart_is_an_img_with_alt_text_and_the_svg_inline():
    from chartkit import chart_of

    from usvn.display import svg_img_html

    markup = svg_img_html('<svg xmlns="http://www.w3.org/2000/svg"><text>5 &amp; 6</text></svg>', 'Bars "A" & B.')
    assert markup.startswith('<img alt="Bars &quot;A&quot; &amp; B." src="data:image/svg+xml;base64,')
    alt, svg = chart_of(markup)
    assert alt == 'Bars "A" & B.' and svg.find("{http://www.w3.org/2000/svg}text").text == "5 & 6"
    with pytest.raises(ValueError, match="alt text"):
        svg_img_html("<svg/>", " ")
