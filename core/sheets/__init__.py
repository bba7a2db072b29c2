"""The import and export engine (issue 12): sheets as townships really send them.

`spec` declares a sheet's columns, `reader.read_table` turns an uploaded file into a `Table` of parsed rows
(`layout` finds the header, the unit and the total rows; `values` parses each cell). The jobs, pages and the
`Importer` base class that write the rows live beside them (docs/architecture.md, "The import engine").
"""
