// English strings of the checkpoint screens.
import type zh from './checkpoint.zh-CN';

const en: typeof zh = {};

export default en;
