"""Publishing: what leaves TrustPlan as a document or goes to the public.

- ``packs``: the PDF board packs (a borough's, London oversight's), made on the server with
  WeasyPrint from templates/publishing/.
- ``worddoc``: a borough's plan as a Word document in the borough's own layout.
- ``public`` (selectors) and ``services`` (writes): the public page of published quarterly
  returns, the commander's publish and unpublish, the editors' public progress notes.
- ``opendata``: a published quarter as CSV and JSON with its licence.
- ``http``: what every public response shares (no cookies, cacheable, rate-limited).
"""
