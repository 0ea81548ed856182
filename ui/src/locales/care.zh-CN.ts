// 简体中文 strings of the care screens; care.en.ts must have the same keys (a unit test checks).
export default {};
