module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // the emulator's suite runs the same scenarios as tests and again for its OpenAPI check; each scenario asserts
    'jest/expect-expect': [
      'warn',
      {
        assertFunctionNames: [
          'expect',
          'branchCommitPullReviewMerge',
          'rateLimitAndFail',
          'readAndWrite',
          'answerBadInput',
          'mergeWithoutApproval',
          'mergeAfterCodeOwnerApproval',
          'staleApprovalDismissed',
          'requiredStatusCheck',
          'protectionRoundTrip',
          'directUpdatesRefused',
        ],
      },
    ],
  },
});
