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

/* The kernel's separators (isspace() in the C locale, as its
 * next_arg() uses). */
static bool is_separator(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

struct line_writer {
	char *buf;
	size_t len;
};

/* Appends the words of `text` to the line, one space between words,
 * skipping dropped ones.  Quoted words ("a b") are kept whole, as the
 * kernel parses them.  Each word is copied once, at the known end of the
 * line: composing is linear in the input. */
static void append_words(struct line_writer *w, const char *text, bool filter, bool crash)
{
	const char *p = text;

	while (*p) {
		const char *start;
		bool quoted = false;

		while (is_separator(*p))
			p++;
		if (!*p)
			break;
		start = p;
		while (*p && (quoted || !is_separator(*p))) {
			if (*p == '"')
				quoted = !quoted;
			p++;
		}
		if (filter && drop_word(start, (size_t)(p - start), crash))
			continue;
		if (w->len)
			w->buf[w->len++] = ' ';
		memcpy(w->buf + w->len, start, (size_t)(p - start));
		w->len += (size_t)(p - start);
	}
}

int cmdline_compose(const char *running, const char *command_line,
		    const char *append, bool crash, char **out)
{
	struct line_writer w = { NULL, 0 };
	size_t len = 1;

	/* Within one text the words and the single spaces between them take
	 * no more than the text; one more space joins each text to the
	 * previous ones. */
	if (running)
		len += strlen(running) + 1;
	if (command_line)
		len += strlen(command_line) + 1;
	if (append)
		len += strlen(append) + 1;
	w.buf = malloc(len);
	if (!w.buf)
		return -ENOMEM;
	if (running)
		append_words(&w, running, true, crash);
	if (command_line)
		append_words(&w, command_line, false, crash);
	if (append)
		append_words(&w, append, false, crash);
	w.buf[w.len] = '\0';
	*out = w.buf;
	return 0;
}

int cmdline_check_size(const char *line, size_t size, const char *arch_name,
		       struct error *err)
{
	size_t len = strlen(line);

	if (size && len >= size)
		return error_set(err, -E2BIG, "command line is %zu bytes; the %s kernel accepts at most %zu",
				 len, arch_name, size - 1);
	return 0;
}
