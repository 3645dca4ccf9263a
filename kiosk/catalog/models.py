"""Today's catalog models. Old schemas live frozen in kiosk/catalog/migrations, never here."""

from __future__ import annotations

from peewee import (
    CharField,
    DatabaseProxy,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)
from playhouse.sqlite_ext import FTS5Model, RowIDField, SearchField

database = DatabaseProxy()

VALIDITIES = ("有效", "失效", "废止", "修订")


class BaseModel(Model):
    class Meta:
        database = database


class Document(BaseModel):
    id = CharField(primary_key=True)
    title = TextField()
    doc_number = CharField(null=True)  # 发文字号 as written
    doc_number_norm = CharField(null=True, index=True)  # 海政办发〔2019〕23号 in one canonical form
    issuer = CharField(null=True, index=True)  # 发文机关
    issued = DateField(null=True, index=True)  # 成文日期
    published = DateField(null=True)  # 发布日期
    category = CharField(null=True, index=True)  # 主题分类
    validity = CharField(default="有效", index=True)  # one of VALIDITIES
    index_no = CharField(null=True)  # 索引号
    body = TextField(default="")
    source_url = TextField(null=True)
    content_hash = CharField()
    updated_at = DateTimeField()

    class Meta:
        table_name = "document"


class Attachment(BaseModel):
    document = ForeignKeyField(Document, backref="attachments", on_delete="CASCADE")
    name = TextField()
    sha256 = CharField(max_length=64)
    size = IntegerField()
    media_type = CharField(null=True)

    class Meta:
        table_name = "attachment"
        indexes = ((("document", "sha256", "name"), True),)


class Relation(BaseModel):
    """A link from one document to another, by 文号 when the target is not in the catalog."""

    source = ForeignKeyField(Document, backref="relations", on_delete="CASCADE")
    kind = CharField()  # "cites" or "interprets"
    target_number = CharField(null=True, index=True)  # normalised 文号 cited
    target = ForeignKeyField(Document, null=True, backref="referenced_by", on_delete="SET NULL")
    target_title = TextField(null=True, index=True)  # title key of the policy a 解读 explains
    # 〔2019〕23号 of a cited 文号: finds a citation whose agency picked up a word in front (现将海政办发…)
    target_tail = CharField(null=True, index=True)

    class Meta:
        table_name = "relation"


class CatalogState(BaseModel):
    """Key/value facts about the installed catalog (feed version, expiry, last sync …)."""

    key = CharField(primary_key=True)
    value = TextField()

    class Meta:
        table_name = "catalog_state"


class SearchDoc(BaseModel):
    """One row per indexed document; `key` is its rank key and the rowid of both FTS tables."""

    key = IntegerField(primary_key=True)
    doc_id = CharField(unique=True)
    issuer_id = IntegerField()  # search_value ids, for filter markers and facet counts
    category_id = IntegerField()
    year = IntegerField()
    band = IntegerField()  # validity band: 0 有效, 1 修订, 2 失效, 3 废止
    title_key = TextField(index=True)  # how a 解读 names its policy

    class Meta:
        table_name = "search_doc"


class SearchValue(BaseModel):
    kind = CharField()  # "issuer" or "category"
    value = TextField()

    class Meta:
        table_name = "search_value"
        indexes = ((("kind", "value"), True),)


class SearchBody(FTS5Model):
    """Contentless trigram index of title + 文号 + issuer + body (kiosk/catalog/search_index.py)."""

    rowid = RowIDField()
    text = SearchField()

    class Meta:
        database = database
        table_name = "search_body"
        options = {"tokenize": "trigram", "content": "", "detail": "none", "columnsize": 0}


class SearchHead(FTS5Model):
    """Contentless positional index of titles, 文号, issuers and their pinyin, for ranking."""

    rowid = RowIDField()
    title = SearchField()
    number = SearchField()
    issuer = SearchField()
    pinyin = SearchField()
    initials = SearchField()
    marks = SearchField()

    class Meta:
        database = database
        table_name = "search_head"
        options = {"tokenize": "trigram", "content": "", "detail": "full"}


MODELS = (Document, Attachment, Relation, CatalogState, SearchDoc, SearchValue)
