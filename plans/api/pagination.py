from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """Page-number pagination; the order is always made total (``pk`` last) by
    ``StableOrderingFilter``, so pages neither skip nor repeat rows."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
