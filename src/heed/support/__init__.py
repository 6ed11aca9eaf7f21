"""Support for the caller and onward referral: advice given (and how), advice sheets, referrals."""
