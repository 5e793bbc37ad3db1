/* Known indicators: one table of the standard evaluation columns' labels and ranges. */
#include "data/known.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

static const pm_known_ind known[] = {
    { "service", 0, "服务群众能效得分", 0, 100 },
    { "satisfaction", 0, "群众满意度得分", 0, 100 },
    { "workforce", 0, "社区工作者队伍建设得分", 0, 100 },
    { "needs", 0, "收集群众需求数", 0, INFINITY },
    { "questionnaires_key", 0, "重点问卷数", 0, INFINITY },
    { "questionnaires_random", 0, "随机问卷数", 0, INFINITY },
    { "questionnaires", 1, NULL, 0, INFINITY }, /* any other questionnaire count */
};

const pm_known_ind *pm_known_indicator(const char *name)
{
    if (!name) return NULL;
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (known[i].prefix ? strncmp(name, known[i].name, strlen(known[i].name)) == 0
                            : strcmp(name, known[i].name) == 0)
            return &known[i];
    return NULL;
}
