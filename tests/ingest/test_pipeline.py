from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gfmd.index import Index
from ingest.pipeline import FOLDER_NOTES, ingest_paths, remove_sources
from tests.conftest import SEED_NAME, Samples
from tests.fakes import HashEmbeddings

MD = "partnerships-brief_2022_en.md"
TXT = "remittances-note_2020_en.txt"


def _status(report, name: str) -> str:  # type: ignore[no-untyped-def]
    return next(r.status for r in report.results if Path(r.path).name == name)


def _passage_ids(index: Index) -> set[str]:
    return set(index.store.passages.get(include=[])["ids"])


def _writes(index: Index, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every document written to the store."""
    written: list[str] = []
    original = index.store.write_document

    def spy(document, chunks, vectors):  # type: ignore[no-untyped-def]
        written.append(document.source)
        return original(document, chunks, vectors)

    monkeypatch.setattr(index.store, "write_document", spy)
    return written


def test_ingest_a_folder(fake_index: Index, corpus_dir: Path) -> None:
    report = ingest_paths([corpus_dir], fake_index)
    assert report.ok
    assert report.count("added") == 3
    docs = fake_index.store.documents(refresh=True)
    assert set(docs) == {SEED_NAME, MD, TXT}
    seed = docs[SEED_NAME]
    assert (seed.lang, seed.year, seed.pages, seed.paginated, seed.kind) == ("es", 2020, 9, False, "text")
    summary = report.summary()
    assert summary["chunks"] == sum(d.chunks for d in docs.values()) == fake_index.store.count()
    assert summary["pages"] == 9 + 1 + 1
    # The BM25 index was brought in step with the new passages.
    assert set(fake_index.lexical().ids) == _passage_ids(fake_index)


def test_reingest_unchanged_does_nothing(
    fake_index: Index, corpus_dir: Path, fake_embeddings: HashEmbeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_paths([corpus_dir], fake_index)
    before_docs = fake_index.store.documents(refresh=True)
    before_ids = _passage_ids(fake_index)
    embedded = fake_embeddings.documents_embedded
    written = _writes(fake_index, monkeypatch)

    report = ingest_paths([corpus_dir], fake_index)
    assert report.ok
    assert report.count("unchanged") == 3 and report.count("added") == report.count("updated") == 0
    assert written == []
    assert fake_embeddings.documents_embedded == embedded
    assert fake_index.store.documents(refresh=True) == before_docs  # same records, same added_at
    assert _passage_ids(fake_index) == before_ids
    assert report.summary()["chunks"] == 0


def test_modified_file_replaces_its_passages(fake_index: Index, corpus_dir: Path) -> None:
    ingest_paths([corpus_dir], fake_index)
    path = corpus_dir / TXT
    old_doc = fake_index.store.documents(refresh=True)[TXT]
    old_ids = {c.chunk_id for c in fake_index.store.all_chunks() if c.source == TXT}
    other_ids = {c.chunk_id for c in fake_index.store.all_chunks() if c.source != TXT}

    path.write_text(path.read_text(encoding="utf-8").replace("554 billion", "589 billion"), encoding="utf-8")
    report = ingest_paths([corpus_dir], fake_index)
    assert _status(report, TXT) == "updated"
    assert _status(report, MD) == "unchanged"

    new_doc = fake_index.store.documents(refresh=True)[TXT]
    assert new_doc.doc_id != old_doc.doc_id
    ids = _passage_ids(fake_index)
    assert not old_ids & ids, "the old version's passages are gone"
    assert other_ids <= ids
    texts = " ".join(c.text for c in fake_index.store.all_chunks() if c.source == TXT)
    assert "589 billion" in texts and "554 billion" not in texts
    assert fake_index.store.count() == sum(d.chunks for d in fake_index.store.documents().values())
    hits = fake_index.lexical().search("589", 5)
    assert hits and all(cid in ids for cid, _ in hits)


def test_files_an_older_pipeline_chunked_are_rechunked_reusing_the_vectors_that_still_hold(
    fake_index: Index, corpus_dir: Path, fake_embeddings: HashEmbeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ingest.loaders
    import ingest.pipeline

    # Version 1 of the pipeline gave Markdown sections as the innermost heading only.
    flat = ingest.loaders._load_markdown

    def innermost(text: str):  # type: ignore[no-untyped-def]
        blocks, pages, paginated, title = flat(text)
        blocks = [
            b.model_copy(update={"section": b.section.rsplit(" › ", 1)[-1] if b.section else None}) for b in blocks
        ]
        return blocks, pages, paginated, title

    with monkeypatch.context() as old:
        old.setattr(ingest.loaders, "_load_markdown", innermost)
        old.setattr(ingest.pipeline, "PIPELINE_VERSION", 1)
        ingest_paths([corpus_dir], fake_index)
    old_md = {c.chunk_id: c for c in fake_index.store.all_chunks() if c.source == MD}
    assert any(c.section == "Monitoring" for c in old_md.values())
    others = {c.chunk_id for c in fake_index.store.all_chunks() if c.source != MD}
    embedded = fake_embeddings.documents_embedded
    snapshot = fake_index.lexical().fingerprint

    report = ingest_paths([corpus_dir], fake_index)
    assert report.ok and report.count("updated") == 3  # every file is re-chunked once...
    new_md = {c.chunk_id: c for c in fake_index.store.all_chunks() if c.source == MD}
    assert any(c.section == "Migration Partnerships Brief › Lessons learned › Monitoring" for c in new_md.values())
    # ...but only passages whose embedded text changed (the Markdown file's sub-sections) are embedded again.
    changed = [c for c in new_md.values() if c.section and " › " in c.section]
    assert 0 < fake_embeddings.documents_embedded - embedded == len(changed)
    # The old chunking's passages are gone, the others' kept; counts agree with the registry.
    ids = _passage_ids(fake_index)
    assert not (set(old_md) - set(new_md)) & ids
    assert others <= ids
    assert fake_index.store.count() == sum(d.chunks for d in fake_index.store.documents().values())
    assert {d.pipeline for d in fake_index.store.documents(refresh=True).values()} == {ingest.pipeline.PIPELINE_VERSION}
    # BM25 follows the new passages, in this process and in another one reading the same index.
    assert fake_index.lexical().fingerprint != snapshot
    assert set(fake_index.lexical().ids) == ids
    assert set(Index(fake_index.settings, embeddings=fake_embeddings).lexical().ids) == ids
    hits = fake_index.lexical().search("Monitoring lessons", 3)
    assert hits and hits[0][0] in new_md
    assert ingest_paths([corpus_dir], fake_index).count("unchanged") == 3


def test_failing_files_do_not_stop_the_good_ones(fake_index: Index, corpus_dir: Path, samples: Samples) -> None:
    for bad in (samples.corrupt_pdf, samples.encrypted_pdf, samples.image_only_pdf, samples.binary_txt):
        shutil.copy(bad, corpus_dir / bad.name)
    report = ingest_paths([corpus_dir], fake_index)
    assert not report.ok
    assert report.count("added") == 3
    failed = {Path(f["path"]).name: f["reason"] for f in report.summary()["failed"]}  # type: ignore[attr-defined]
    assert set(failed) == {"corrupt.pdf", "encrypted.pdf", "scanned.pdf", "binary.txt"}
    assert "corrupt" in failed["corrupt.pdf"]
    assert "encrypted" in failed["encrypted.pdf"]
    assert "no text layer" in failed["scanned.pdf"]
    assert "binary" in failed["binary.txt"]
    for f in report.summary()["failed"]:  # type: ignore[attr-defined]
        assert Path(f["path"]).parent == corpus_dir  # the full path, not only the name
    assert set(fake_index.store.documents(refresh=True)) == {SEED_NAME, MD, TXT}


def test_a_failing_new_version_leaves_the_old_one(fake_index: Index, corpus_dir: Path, samples: Samples) -> None:
    pdf = corpus_dir / "report.pdf"
    shutil.copy(samples.two_page_pdf, pdf)
    ingest_paths([corpus_dir], fake_index)
    doc = fake_index.store.documents(refresh=True)["report.pdf"]
    ids = _passage_ids(fake_index)

    shutil.copy(samples.truncated_pdf, pdf)  # the file is damaged in place
    report = ingest_paths([pdf], fake_index)
    assert _status(report, "report.pdf") == "failed"
    assert fake_index.store.documents(refresh=True)["report.pdf"] == doc
    assert _passage_ids(fake_index) == ids


def test_missing_path_is_reported(fake_index: Index, tmp_path: Path, samples: Samples) -> None:
    missing = tmp_path / "missing.pdf"
    report = ingest_paths([missing, samples.plain_txt], fake_index)
    assert report.summary()["failed"] == [{"path": str(missing), "reason": "no such file or directory"}]
    assert report.count("added") == 1


def test_duplicate_file_names_are_refused(fake_index: Index, tmp_path: Path, samples: Samples) -> None:
    first = tmp_path / "a" / TXT
    second = tmp_path / "b" / TXT
    for path in (first, second):
        path.parent.mkdir()
        shutil.copy(samples.plain_txt, path)
    second.write_text("A different note with the same name, about diaspora bonds.", encoding="utf-8")
    report = ingest_paths([first, second], fake_index)
    assert _status(report, TXT) == "added"
    failure = next(r for r in report.results if r.status == "failed")
    assert failure.path == str(second)
    assert "same file name" in failure.reason and str(first) in failure.reason
    assert fake_index.store.documents(refresh=True)[TXT].doc_id == report.results[0].doc_id


def test_duplicate_content_under_another_name(fake_index: Index, tmp_path: Path, samples: Samples) -> None:
    """A copy of an indexed file under another name must not take over (or later delete) its passages."""
    original = tmp_path / TXT
    copy = tmp_path / "copy-of-the-note.txt"
    shutil.copy(samples.plain_txt, original)
    shutil.copy(samples.plain_txt, copy)
    ingest_paths([original], fake_index)
    report = ingest_paths([copy], fake_index)
    assert _status(report, copy.name) == "failed"
    reason = report.results[0].reason
    assert TXT in reason and "same content" in reason
    chunks = fake_index.store.all_chunks()
    assert chunks and {c.source for c in chunks} == {TXT}
    assert set(fake_index.store.documents(refresh=True)) == {TXT}


def test_folder_notes_are_skipped_unless_named(fake_index: Index, corpus_dir: Path, samples: Samples) -> None:
    notes = corpus_dir / "README.md"
    notes.write_text("# About this folder\n\nThese files are test documents for the suite.\n", encoding="utf-8")
    assert "README.md" in FOLDER_NOTES
    ingest_paths([corpus_dir], fake_index)
    assert "README.md" not in fake_index.store.documents(refresh=True)
    ingest_paths([notes], fake_index)
    assert "README.md" in fake_index.store.documents(refresh=True)


def test_unsupported_files_in_a_folder_are_ignored(fake_index: Index, corpus_dir: Path, samples: Samples) -> None:
    shutil.copy(samples.docx, corpus_dir / samples.docx.name)
    report = ingest_paths([corpus_dir], fake_index)
    assert report.ok and len(report.results) == 3
    # Named explicitly, an unsupported file is a failure with its reason.
    report = ingest_paths([corpus_dir / samples.docx.name], fake_index)
    assert "unsupported file type .docx" in report.results[0].reason


def test_remove_sources(fake_index: Index, corpus_dir: Path) -> None:
    ingest_paths([corpus_dir], fake_index)
    txt_ids = {c.chunk_id for c in fake_index.store.all_chunks() if c.source == TXT}
    assert txt_ids & set(fake_index.lexical().ids)
    removed = remove_sources([TXT, "not-indexed.pdf"], fake_index)
    assert removed == [TXT]
    assert TXT not in fake_index.store.documents(refresh=True)
    assert not [c for c in fake_index.store.all_chunks() if c.source == TXT]
    ids = set(fake_index.lexical().ids)
    assert ids == _passage_ids(fake_index)
    assert not txt_ids & ids


def test_summary_shape(fake_index: Index, corpus_dir: Path) -> None:
    summary = ingest_paths([corpus_dir], fake_index).summary()
    assert {"added", "updated", "unchanged", "failed", "chunks", "pages", "seconds", "files"} <= set(summary)
    files = summary["files"]
    assert isinstance(files, list) and len(files) == 3
    assert {"path", "status", "source", "doc_id", "pages", "chunks", "reason"} <= set(files[0])
