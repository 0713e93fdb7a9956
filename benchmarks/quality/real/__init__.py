"""The real-data evaluation set: public databases and file trees from ../shared/corpora, hand-labelled."""
