"""Reading and validating a submission: the model (submission, fields, schema), the readers
(load for YAML and JSON, workbook/ for .xlsx, yaml_reader, bounded), their messages, the one table
of file formats (formats), templates to fill in, lossless conversion between formats, and
synthetic submissions for benchmarks and tests.

A file goes in; a validated Submission or an InputError naming the file, the field and the line
or cell comes out. Imports: assess.common and assess.errors only."""
