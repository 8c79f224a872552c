"""Test-time oracle for tests/xml_oracle.rs: converts XLSForms with pyxform and
prints the primary instance of each XForm as a JSON tree of element names.

Usage: python3 pyxform_instances.py FORMS.json
FORMS.json is a list of {"key", "path"} (a workbook, read as pyxform reads a file)
or {"key", "md", "form_name"} (a Markdown form, as pyxform's test suite reads it).
Prints one JSON list of {"key", "ok", "error"?, "tree"?}; a tree is
{"n": name, "a": {attribute: value}, "t": jr:template?, "c": [children]}.
The copy of a repeat that pyxform writes after its template is left out: the
template stands for every instance.
"""

import json
import sys
import xml.etree.ElementTree as ET

XF = "{http://www.w3.org/2002/xforms}"
JR_TEMPLATE = "{http://openrosa.org/javarosa}template"


def local(tag):
    return tag.rsplit("}", 1)[-1]


def tree(el):
    children, templates = [], set()
    for c in el:
        if not isinstance(c.tag, str):
            continue
        name = local(c.tag)
        is_template = JR_TEMPLATE in c.attrib
        if not is_template and name in templates:
            continue  # the instance pyxform adds after a template
        if is_template:
            templates.add(name)
        children.append(tree(c))
    attrs = {local(k): v for k, v in el.attrib.items() if k != JR_TEMPLATE}
    return {"n": local(el.tag), "a": attrs, "t": JR_TEMPLATE in el.attrib, "c": children}


def primary_instance(xform):
    root = ET.fromstring(xform.encode("utf-8"))
    model = root.find(f".//{XF}model")
    instance = model.find(f"{XF}instance")
    [data] = [c for c in instance if isinstance(c.tag, str)]
    return tree(data)


def main():
    import pyxform
    from pyxform.xls2xform import convert

    with open(sys.argv[1], encoding="utf-8") as f:
        forms = json.load(f)
    out = []
    for form in forms:
        try:
            if "md" in form:
                result = convert(
                    xlsform=form["md"], form_name=form.get("form_name"), file_type=".md", warnings=[]
                )
            else:
                result = convert(xlsform=form["path"], warnings=[])
            out.append({"key": form["key"], "ok": True, "tree": primary_instance(result.xform)})
        except Exception as e:  # pyxform refuses the form
            first = (str(e).splitlines() or [""])[0]
            out.append({"key": form["key"], "ok": False, "error": f"{type(e).__name__}: {first}"})
    json.dump({"pyxform": pyxform.__version__, "forms": out}, sys.stdout)


if __name__ == "__main__":
    main()
