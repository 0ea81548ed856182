// English strings of the care screens.
import type zh from './care.zh-CN';

const en: typeof zh = {};

export default en;
