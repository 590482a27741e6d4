import * as assert from 'node:assert/strict';
import axios from 'axios';
import * as tl from 'azure-pipelines-task-lib/task';

describe('toolchain', () => {
  it('compiles and loads dependencies', () => {
    assert.equal(typeof axios.create, 'function');
    assert.equal(typeof tl.getInput, 'function');
  });
});
