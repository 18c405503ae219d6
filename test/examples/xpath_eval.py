#!/usr/bin/python3
"""XPath 1.0 for the SoapUI replay (test/examples/xpath.ts), with libxml2 through lxml.

Reads {"xml": "...", "queries": [{"namespaces": {prefix: uri}, "expression": "..."}]} on stdin and
prints, for each query, {"type": "boolean"|"number"|"string"|"node-set", "count": N, "value": "..."}
where value is string(expression): a node-set's first node's text, a number or a boolean as
XPath writes them. A document or expression that does not parse prints {"error": "..."}.
Run it with Debian's /usr/bin/python3 (apt-get install python3-lxml).
"""

import json
import sys

from lxml import etree


def evaluate(document, namespaces, expression):
    raw = document.xpath(expression, namespaces=namespaces)
    value = str(document.xpath(f"string({expression})", namespaces=namespaces))
    if isinstance(raw, bool):
        return {"type": "boolean", "count": 0, "value": value}
    if isinstance(raw, float):
        return {"type": "number", "count": 0, "value": value}
    if isinstance(raw, str):
        return {"type": "string", "count": 0, "value": value}
    return {"type": "node-set", "count": len(raw), "value": value}


def main():
    request = json.load(sys.stdin)
    try:
        document = etree.fromstring(request["xml"].encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as error:
        json.dump({"error": f"the document is not well-formed XML: {error}"}, sys.stdout)
        return
    results = []
    for query in request["queries"]:
        try:
            results.append(evaluate(document, query["namespaces"], query["expression"]))
        except etree.XPathError as error:
            json.dump({"error": f"cannot evaluate the XPath {query['expression']}: {error}"}, sys.stdout)
            return
    json.dump({"results": results}, sys.stdout)


main()
