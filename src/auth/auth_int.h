/* auth_int: what the files of the auth module share. Nothing outside src/auth includes it. */
#ifndef CTIS_AUTH_INT_H
#define CTIS_AUTH_INT_H

/* Column positions of the user statements (USER_COLS in src/store/catalog.def). */
enum {
    U_ID,
    U_AGENCY,
    U_USERNAME,
    U_NAME_ENC,
    U_EMAIL_ENC,
    U_PWHASH,
    U_ROLE_ID,
    U_SCOPE,
    U_DISABLED,
    U_MUST_CHANGE,
    U_TOTP_ENC,
    U_TOTP_ENABLED,
    U_TOTP_COUNTER,
    U_FAILED,
    U_LOCKED_UNTIL,
    U_LAST_LOGIN,
    U_CREATED,
    U_UPDATED,
    U_VERSION,
    U_ROLE_NAME
};

#endif
