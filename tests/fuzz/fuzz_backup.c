/* fuzz_backup: libFuzzer harness for the backup file reader. Each input is written to a file and
 * checked with store_backup_verify, which must refuse anything malformed with an error, never
 * crash, and never accept a file whose checksums do not match. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (path[0] == '\0') {
        snprintf(path, sizeof path, "/tmp/ctis-fuzz-backup-%ld", (long)getpid());
    }
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        return 0;
    }
    if (size > 0 && fwrite(data, 1, size, f) != size) {
        fclose(f);
        return 0;
    }
    fclose(f);
    (void)store_backup_verify(path);
    return 0;
}
