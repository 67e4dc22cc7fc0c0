"""The archive: every published issue kept exactly as it was sent, searchable and counted.

``layout`` says where everything lives; ``publish`` writes versions,
``verify`` checks them, ``catalogue`` indexes them for search and 供稿统计,
``site`` and ``stats`` write what people read. Each module imports only
those listed before it.
"""
