// 简体中文 strings of the checkpoint screens; checkpoint.en.ts must have the same keys (a unit test checks).
export default {};
