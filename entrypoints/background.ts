export default defineBackground(() => {
  // The session manager and message router arrive with issue 5.
});
