/*
 * fileproc — a file processor for the learn tests: reads each input file
 * and writes their contents, upper-cased, to the output file.
 * Usage: fileproc OUT IN...
 * Prints one line saying what it did; on an error, the error, and exits 1.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
	if (argc < 3) {
		fprintf(stderr, "usage: fileproc OUT IN...\n");
		return 2;
	}
	long total = 0;
	FILE *out = fopen(argv[1], "w");
	if (!out) {
		printf("cannot write %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	for (int i = 2; i < argc; i++) {
		FILE *in = fopen(argv[i], "r");
		if (!in) {
			printf("cannot read %s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		int c;
		while ((c = getc(in)) != EOF) {
			putc(toupper(c), out);
			total++;
		}
		fclose(in);
	}
	if (fclose(out) != 0) {
		printf("cannot write %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	printf("processed %ld bytes from %d files into %s\n", total, argc - 2, argv[1]);
	return 0;
}
