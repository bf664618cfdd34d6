#include "cmdline.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool drop_word(const char *word, size_t len, bool crash)
{
	if (len >= 11 && strncmp(word, "BOOT_IMAGE=", 11) == 0)
		return true;
	return crash && len >= 12 && strncmp(word, "crashkernel=", 12) == 0;
}

/* Appends the words of `text` to `out` (space separated), skipping dropped
 * ones.  Quoted words ("a b") are kept whole, as the kernel parses them. */
static void append_words(char *out, const char *text, bool filter, bool crash)
{
	const char *p = text;

	while (*p) {
		const char *start;
		bool quoted = false;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		start = p;
		while (*p && (quoted || (*p != ' ' && *p != '\t' && *p != '\n'))) {
			if (*p == '"')
				quoted = !quoted;
			p++;
		}
		if (filter && drop_word(start, (size_t)(p - start), crash))
			continue;
		if (*out)
			strcat(out, " ");
		strncat(out, start, (size_t)(p - start));
	}
}

int cmdline_compose(const char *running, const char *command_line,
		    const char *append, bool crash, char **out)
{
	size_t len = 1;
	char *line;

	if (running)
		len += strlen(running) + 1;
	if (command_line)
		len += strlen(command_line) + 1;
	if (append)
		len += strlen(append) + 1;
	line = calloc(1, len);
	if (!line)
		return -ENOMEM;
	if (running)
		append_words(line, running, true, crash);
	if (command_line)
		append_words(line, command_line, false, crash);
	if (append)
		append_words(line, append, false, crash);
	*out = line;
	return 0;
}
