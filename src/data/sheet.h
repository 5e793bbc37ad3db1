/* Spreadsheet tables: the header row found below titles and notes, empty rows dropped. */
#ifndef PM_DATA_SHEET_H
#define PM_DATA_SHEET_H

#include "core/status.h"
#include "data/vector.h"

/* How far down a sheet the header row may be. */
#define PM_SHEET_HEADER_ROWS 20

/* Makes a table of l, a sheet read with every row as data (l->sheet set, f->line the
 * row number): the header is the first of the first PM_SHEET_HEADER_ROWS rows that
 * has two or more cells and only text in them (a title is one merged cell, a data
 * row has numbers).  Its cells become the field names (trimmed; an empty one is the
 * column letter, "H"); it and the rows above it are removed, and so are empty rows.
 * Without such a row an error naming the sheet goes to diag and l is left as it was.
 * Returns PM_OK or PM_ENOMEM.  Not thread-safe on the same l. */
pm_status pm_sheet_promote_header(pm_vlayer *l, pm_diag *diag);

/* The physical line (1-based) on which each record of the CSV file at path starts,
 * counted as GDAL's CSV reader counts records: record 0 is the header, record k the
 * feature of fid k; a quoted cell runs over line breaks, and empty lines are no
 * records.  *lines (caller frees) gets *n entries.  PM_EIO (unreadable) or
 * PM_ENOMEM; then the caller keeps GDAL's numbering.  Reads the file once, streaming. */
pm_status pm_csv_record_lines(const char *path, long **lines, size_t *n);

/* Refuses the cells of an XLSX worksheet that hold a formula without a stored value
 * (a workbook written by a program that does not calculate: GDAL reads them as empty,
 * so every committee would be no data): one error to diag naming file, the sheet,
 * the first such cell's row and column, how many more there are, and the fix (open
 * and save the workbook in Excel or LibreOffice, which store the values).  The sheet
 * is the index-th of the workbook (GDAL's layer order), called name.  A part that
 * cannot be read is left to GDAL's reading.  Returns PM_OK or PM_ENOMEM. */
pm_status pm_sheet_check_formulas(const char *path, int index, const char *name, const char *file,
                                  pm_diag *diag);

/* The cells of a worksheet's XML text that hold a formula (<f>) but no value (<v>):
 * their count, and the reference of the first ("C12") in first (may be NULL).  Pure. */
size_t pm_sheet_uncached_formulas(const char *xml, char first[16]);

/* The spreadsheet letter of 0-based column i ("A", "Z", "AA") into buf. */
void pm_sheet_column_letter(size_t i, char *buf, size_t len);

#endif
