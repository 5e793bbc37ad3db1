/* Known indicators: the built-in labels and ranges of the evaluation's standard columns. */
#ifndef PM_DATA_KNOWN_H
#define PM_DATA_KNOWN_H

/* An evaluation column partymap knows by name.  Immutable. */
typedef struct {
    const char *name;   /* indicator name ("service"); with prefix, any name starting so */
    int prefix;
    const char *label;  /* Chinese column heading of the spreadsheets ("服务群众能效得分") */
    double min, max;    /* accepted range unless the config's "ranges" says otherwise */
} pm_known_ind;

/* The entry for an indicator name, or NULL.  Pure (a constant table). */
const pm_known_ind *pm_known_indicator(const char *name);

#endif
