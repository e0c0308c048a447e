// Telephone numbers: country profiles, E.164 normalisation and permission classes (docs/numbers.md).
export { classify, normalise, NUMBER_CLASSES, type Classification, type Classified, type NumberClass, type NumberContext } from './classify.js';
export { PROFILES, PROFILE_NAMES, type CountryProfile, type NumberKind, type ProfileName } from './profiles.js';
