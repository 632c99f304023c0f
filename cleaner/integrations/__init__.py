"""Adapters that run the same :class:`~cleaner.Cleaner` inside other people's pipelines.

Each module is an optional extra, imported only when asked for, so ``import cleaner``
never pulls in a crawler or a cluster framework:

==========================================  ===========================================
``cleaner.integrations.scrapy``             ``CleanerPipeline``, a Scrapy item pipeline
``cleaner.integrations.datatrove``          ``BoilercleanStep``, a datatrove pipeline step
``cleaner.integrations.datasets``           ``CleanBatch`` for ``Dataset.map(batched=True)``
``cleaner.integrations.spark``              ``clean_dataframe`` over Arrow batches
==========================================  ===========================================

A module imports without its extra (so a partial install can still be inspected and
doctested); using it without the extra raises :class:`~cleaner.MissingExtraError`, which
names the ``pip install "boilerclean[...]"`` to run.
"""
